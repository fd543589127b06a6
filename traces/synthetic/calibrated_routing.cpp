#include "traces/synthetic/calibrated_routing.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "traces/synthetic/fixed_popularity.h"
#include "traces/synthetic/fixed_transitions.h"

namespace moesim {
namespace {

using Factors = std::map<uint32_t, std::vector<double>>;  // measured layer -> per expert

/// Top-k minus top-1 (the later choices), or top-k when top-1 was not measured.
std::vector<double> later_choices(const std::vector<double>& topk,
                                  const std::vector<double>* top1) {
  std::vector<double> out = topk;
  if (top1 != nullptr && !top1->empty()) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::max(0.0, out[i] - (*top1)[i]);
  }
  return out;
}

std::vector<double> scaled(std::vector<double> weights, const std::vector<double>& factors) {
  for (size_t i = 0; i < weights.size(); ++i) weights[i] *= factors[i];
  return weights;
}

/// An alias table, or an empty one when the weights sum to 0.
AliasTable table_or_empty(const std::vector<double>& weights) {
  double total = 0.0;
  for (const double w : weights) total += w;
  return total > 0.0 ? AliasTable(weights) : AliasTable();
}

SyntheticRoutingParts build_parts(const MeasuredRouting& s, const Factors& factors,
                                  double strength) {
  const uint32_t e = s.num_experts;
  std::vector<uint32_t> anchors;
  std::vector<LayerPopularity> tables;
  for (const auto& [layer, topk] : s.topk_load) {
    const auto it = s.top1_load.find(layer);
    const std::vector<double>* top1 = it == s.top1_load.end() ? nullptr : &it->second;
    LayerPopularity p;
    p.first = AliasTable(top1 ? *top1 : topk);
    p.rest = table_or_empty(scaled(later_choices(topk, top1), factors.at(layer)));
    if (p.rest.empty()) p.rest = p.first;
    anchors.push_back(layer);
    tables.push_back(std::move(p));
  }
  std::vector<uint32_t> layer_to_table(s.layers);
  for (uint32_t l = 0; l < s.layers; ++l) {
    const uint32_t anchor = calibrated_anchor_layer(s, l);
    layer_to_table[l] =
        static_cast<uint32_t>(std::find(anchors.begin(), anchors.end(), anchor) - anchors.begin());
  }

  std::map<uint32_t, LayerTransition> transitions;
  for (const MeasuredLayerPair& pair : s.pairs) {
    LayerTransition t;
    t.source = pair.from;
    t.strength = strength;
    const bool has_top1 = !pair.top1.empty();
    for (uint32_t i = 0; i < e; ++i) {
      const auto row = [&](const std::vector<double>& m) {
        return std::vector<double>(m.begin() + static_cast<ptrdiff_t>(i) * e,
                                   m.begin() + static_cast<ptrdiff_t>(i + 1) * e);
      };
      const std::vector<double> topk = row(pair.topk);
      const std::vector<double> top1 = has_top1 ? row(pair.top1) : std::vector<double>{};
      t.first_rows.push_back(table_or_empty(has_top1 ? top1 : topk));
      t.rest_rows.push_back(table_or_empty(
          scaled(later_choices(topk, has_top1 ? &top1 : nullptr), factors.at(pair.to))));
    }
    transitions.emplace(pair.to, std::move(t));
  }

  SyntheticRoutingParts parts;
  parts.num_experts = e;
  parts.k = KDistribution::fixed(s.top_k);
  parts.popularity = std::make_unique<FixedPopularity>(std::move(tables), layer_to_table);
  if (!transitions.empty() && strength > 0.0) {
    parts.cross_layer = std::make_unique<FixedTransitions>(std::move(transitions));
  }
  return parts;
}

}  // namespace

uint32_t calibrated_anchor_layer(const MeasuredRouting& stats, uint32_t layer) {
  uint32_t best = stats.topk_load.begin()->first;
  for (const auto& [anchor, loads] : stats.topk_load) {
    const auto distance = [&](uint32_t a) { return a > layer ? a - layer : layer - a; };
    if (distance(anchor) < distance(best)) best = anchor;
  }
  return best;
}

std::unique_ptr<SyntheticRouting> make_calibrated_routing(const MeasuredRouting& stats,
                                                          const CalibratedRoutingOptions& options,
                                                          RngStream& tokens, RngStream& fit) {
  if (!(options.strength >= 0.0 && options.strength <= 1.0)) {
    throw std::invalid_argument("calibrated routing: strength must be in [0, 1]");
  }
  Factors factors;
  for (const auto& [layer, loads] : stats.topk_load) {
    factors[layer].assign(stats.num_experts, 1.0);
  }
  TokenRouting routing;
  for (uint32_t it = 0; it < options.fit_iterations; ++it) {
    SyntheticRouting g(build_parts(stats, factors, options.strength), fit);
    for (auto& [layer, f] : factors) {
      g.generate(layer, options.fit_tokens, routing);
      // Later-choice loads generated vs measured (both per token).
      std::vector<double> generated(stats.num_experts, 0.0);
      for (size_t t = 0; t < routing.tokens(); ++t) {
        const auto c = routing.choices(t);
        for (size_t r = 1; r < c.size(); ++r) generated[c[r]] += 1.0;
      }
      const auto top1 = stats.top1_load.find(layer);
      const std::vector<double> target = later_choices(
          stats.topk_load.at(layer), top1 == stats.top1_load.end() ? nullptr : &top1->second);
      double target_total = 0.0, generated_total = 0.0;
      for (uint32_t i = 0; i < stats.num_experts; ++i) {
        target_total += target[i];
        generated_total += generated[i];
      }
      if (!(target_total > 0.0) || !(generated_total > 0.0)) continue;
      for (uint32_t i = 0; i < stats.num_experts; ++i) {
        const double want = target[i] / target_total;
        const double got = generated[i] / generated_total;
        // At most a factor 2 per step: experts seen a few times give noisy ratios.
        f[i] *= want == 0.0 ? 0.0 : std::clamp(got > 0.0 ? want / got : 2.0, 0.5, 2.0);
      }
    }
  }
  return std::make_unique<SyntheticRouting>(build_parts(stats, factors, options.strength), tokens);
}

}  // namespace moesim
