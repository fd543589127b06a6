#include "traces/synthetic/synthetic_routing.h"

#include <algorithm>
#include <stdexcept>

#include "traces/synthetic/successive_inclusion.h"

namespace moesim {
namespace {

constexpr int kMaxRejections = 64;  // then fall back to a scan over the unchosen experts

}  // namespace

SyntheticRouting::SyntheticRouting(SyntheticRoutingParts parts, RngStream& rng)
    : parts_(std::move(parts)), rng_(&rng) {
  if (parts_.num_experts == 0) throw std::invalid_argument("synthetic routing needs experts");
  if (parts_.k.max() > parts_.num_experts) {
    throw std::invalid_argument("synthetic routing: k may not exceed the number of experts");
  }
  if (!parts_.popularity) throw std::invalid_argument("synthetic routing needs a popularity");
  if (!(parts_.temporal_reuse >= 0.0 && parts_.temporal_reuse <= 1.0)) {
    throw std::invalid_argument("synthetic routing: temporal reuse must be in [0, 1]");
  }
  chosen_.assign(parts_.num_experts, 0);
}

void SyntheticRouting::generate(uint32_t layer, uint32_t tokens, TokenRouting& out) {
  // One request whose positions continue from batch to batch.
  if (layer == 0) {
    default_contexts_.resize(tokens);
    for (uint32_t t = 0; t < tokens; ++t) default_contexts_[t].position = default_position_ + t;
    default_position_ += tokens;
  }
  if (default_contexts_.size() != tokens) {
    throw std::invalid_argument("synthetic routing: a batch keeps its token count across layers");
  }
  generate_with_context(layer, default_contexts_, out);
}

uint32_t SyntheticRouting::draw(const AliasTable& marginal, const AliasTable* row,
                                double strength) {
  if (row != nullptr && (strength >= 1.0 || rng_->uniform01() < strength)) {
    return row->sample(*rng_);
  }
  return marginal.sample(*rng_);
}

uint32_t SyntheticRouting::fallback(const AliasTable& marginal) {
  const auto& p = marginal.probabilities();
  double total = 0.0;
  uint32_t unchosen = 0;
  for (uint32_t e = 0; e < parts_.num_experts; ++e) {
    if (chosen_[e] == 0) {
      total += p[e];
      ++unchosen;
    }
  }
  if (total > 0.0) {
    double u = rng_->uniform01() * total;
    uint32_t last = 0;
    for (uint32_t e = 0; e < parts_.num_experts; ++e) {
      if (chosen_[e] != 0 || p[e] == 0.0) continue;
      last = e;
      if ((u -= p[e]) < 0.0) return e;
    }
    return last;  // rounding left u just above 0
  }
  auto skip = static_cast<uint32_t>(rng_->uniform_int(unchosen));
  for (uint32_t e = 0;; ++e) {
    if (chosen_[e] == 0 && skip-- == 0) return e;
  }
}

void SyntheticRouting::choose(uint32_t k, const LayerPopularity& popularity,
                              const LayerTransition* transition, std::span<const uint32_t> source,
                              const std::vector<uint32_t>* previous, TokenRouting& out) {
  const size_t first = out.experts.size();
  for (uint32_t r = 0; r < k; ++r) {
    const AliasTable& marginal = r == 0 ? popularity.first : popularity.rest;
    const AliasTable* row = nullptr;
    if (transition != nullptr && r < source.size()) {
      const auto& rows = r == 0 ? transition->first_rows : transition->rest_rows;
      if (!rows[source[r]].empty()) row = &rows[source[r]];
    }
    uint32_t e = UINT32_MAX;
    if (previous != nullptr && r < previous->size() && rng_->uniform01() < parts_.temporal_reuse &&
        chosen_[(*previous)[r]] == 0) {
      e = (*previous)[r];
    }
    for (int attempt = 0; e == UINT32_MAX && attempt < kMaxRejections; ++attempt) {
      const uint32_t candidate = draw(marginal, row, transition ? transition->strength : 0.0);
      if (chosen_[candidate] == 0) e = candidate;
    }
    if (e == UINT32_MAX) e = fallback(marginal);
    chosen_[e] = 1;
    out.experts.push_back(e);
  }
  for (size_t i = first; i < out.experts.size(); ++i) chosen_[out.experts[i]] = 0;
  out.close_token();
}

void SyntheticRouting::generate_with_context(uint32_t layer, std::span<const TokenContext> tokens,
                                             TokenRouting& out) {
  if (layer == 0) batch_.clear();
  if (tokens_per_layer_.size() <= layer) tokens_per_layer_.resize(layer + 1, 0);
  const bool temporal = parts_.temporal_reuse > 0.0;
  if (temporal && previous_.size() <= layer) previous_.resize(layer + 1);

  const LayerTransition* transition = parts_.cross_layer ? parts_.cross_layer->at(layer) : nullptr;
  const TokenRouting* source = nullptr;
  if (transition != nullptr && transition->source < batch_.size() &&
      batch_[transition->source].tokens() == tokens.size()) {
    source = &batch_[transition->source];
  } else {
    transition = nullptr;  // the source layer was not generated for this batch
  }

  out.clear(parts_.num_experts);
  out.experts.reserve(tokens.size() * parts_.k.max());
  out.offsets.reserve(tokens.size() + 1);
  for (size_t t = 0; t < tokens.size(); ++t) {
    const uint32_t k = parts_.k.sample(*rng_);
    const LayerPopularity& popularity = parts_.popularity->at(layer, tokens_per_layer_[layer]++);
    std::vector<uint32_t>* previous = nullptr;
    if (temporal) {
      auto [it, inserted] = previous_[layer].try_emplace(tokens[t].request);
      previous = &it->second;
    }
    choose(k, popularity, transition, source ? source->choices(t) : std::span<const uint32_t>{},
           previous, out);
    if (previous != nullptr) {
      const auto picked = out.choices(t);
      previous->assign(picked.begin(), picked.end());
    }
  }
  if (batch_.size() <= layer) batch_.resize(layer + 1);
  if (parts_.cross_layer && parts_.cross_layer->is_source(layer)) {
    batch_[layer] = out;
  } else {
    batch_[layer].clear(parts_.num_experts);  // no transition reads it: not copied
  }
}

const std::optional<ExpertCountChain>& SyntheticRouting::chain(const LayerPopularity& popularity,
                                                               uint32_t k) {
  const auto [it, inserted] = chains_.try_emplace({&popularity, k});
  if (inserted && !popularity.rest.empty()) {
    const std::vector<double> inclusion = successive_sampling_inclusion(
        popularity.first.probabilities(), popularity.rest.probabilities(), k);
    if (!inclusion.empty()) it->second = ExpertCountChain::build(inclusion, k);
  }
  return it->second;
}

void SyntheticRouting::count_per_token(uint64_t tokens, uint32_t k,
                                       const LayerPopularity& popularity,
                                       std::vector<uint64_t>& counts) {
  scratch_.clear(parts_.num_experts);
  for (uint64_t t = 0; t < tokens; ++t) choose(k, popularity, nullptr, {}, nullptr, scratch_);
  for (const uint32_t e : scratch_.experts) ++counts[e];
}

bool SyntheticRouting::generate_counts(uint32_t layer, std::span<const TokenContext> tokens,
                                       std::vector<uint64_t>& counts) {
  // Per token: a choice that depends on another token or layer, a popularity that may change
  // within the batch, or a batch too small for the count draw to pay (or to be accurate).
  if (parts_.temporal_reuse > 0.0 || parts_.popularity->drifts()) return false;
  if (parts_.cross_layer != nullptr &&
      (parts_.cross_layer->is_source(layer) || parts_.cross_layer->at(layer) != nullptr)) {
    return false;
  }
  const uint32_t experts = parts_.num_experts;
  if (!draw_as_counts(static_cast<double>(tokens.size()), parts_.k.mean(), experts)) return false;

  if (layer == 0) batch_.clear();
  if (tokens_per_layer_.size() <= layer) tokens_per_layer_.resize(layer + 1, 0);
  const LayerPopularity& popularity = parts_.popularity->at(layer, tokens_per_layer_[layer]);
  tokens_per_layer_[layer] += tokens.size();
  counts.assign(experts, 0);
  // Tokens per k by binomial splitting, then each k's counts.
  const std::vector<double>& p_k = parts_.k.probabilities();
  uint64_t left = tokens.size();
  double mass_left = 1.0;
  for (size_t i = 0; i < p_k.size() && left > 0; ++i) {
    const uint64_t n =
        i + 1 == p_k.size() ? left : rng_->binomial(left, std::clamp(p_k[i] / mass_left, 0.0, 1.0));
    left -= n;
    mass_left -= p_k[i];
    const auto k = parts_.k.min() + static_cast<uint32_t>(i);
    if (n == 0 || k == 0) continue;
    const std::optional<ExpertCountChain>& draw = chain(popularity, k);
    if (draw && draw_as_counts(static_cast<double>(n), k, experts)) {
      draw->draw(n, *rng_, counts);
    } else {
      count_per_token(n, k, popularity, counts);
    }
  }
  if (batch_.size() <= layer) batch_.resize(layer + 1);
  batch_[layer].clear(experts);  // no per-token choices at this layer
  return true;
}

}  // namespace moesim
