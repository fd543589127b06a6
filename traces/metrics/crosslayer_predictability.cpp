#include "traces/metrics/crosslayer_predictability.h"

#include <algorithm>
#include <stdexcept>

#include "sim/rng.h"

namespace moesim {

Predictability predictability_from_counts(std::span<const double> counts, uint32_t num_experts) {
  Predictability p;
  std::vector<double> column(num_experts, 0.0);
  double hits = 0.0;
  for (uint32_t i = 0; i < num_experts; ++i) {
    const auto row = counts.subspan(static_cast<size_t>(i) * num_experts, num_experts);
    double best = 0.0;
    for (uint32_t j = 0; j < num_experts; ++j) {
      best = std::max(best, row[j]);
      column[j] += row[j];
      p.pairs += row[j];
    }
    hits += best;
  }
  if (p.pairs > 0.0) {
    p.accuracy = hits / p.pairs;
    p.baseline = *std::max_element(column.begin(), column.end()) / p.pairs;
  }
  return p;
}

size_t CrossLayerPredictability::KeyHash::operator()(const Key& k) const {
  return splitmix64(k.request ^ splitmix64((uint64_t{k.layer} << 32) | k.position));
}

CrossLayerPredictability::CrossLayerPredictability(uint32_t num_experts,
                                                   std::vector<std::pair<uint32_t, uint32_t>> pairs)
    : num_experts_(num_experts), pairs_(std::move(pairs)) {
  const size_t cells = static_cast<size_t>(num_experts_) * num_experts_;
  for (const auto& [i, j] : pairs_) {
    if (i >= j) throw std::invalid_argument("cross-layer pairs need layer i < layer j");
    if (is_source_.size() <= i) is_source_.resize(i + 1, false);
    is_source_[i] = true;
    if (last_target_.size() <= i) last_target_.resize(i + 1, 0);
    last_target_[i] = std::max(last_target_[i], j);
    top1_.emplace_back(cells, 0.0);
    all_.emplace_back(cells, 0.0);
  }
}

void CrossLayerPredictability::add(const RoutingRecordView& r) {
  for (const uint32_t e : r.experts) {
    if (e >= num_experts_) throw std::out_of_range("expert id beyond the trace's experts");
  }
  for (size_t p = 0; p < pairs_.size(); ++p) {
    if (pairs_[p].second != r.layer) continue;
    const auto it = sources_.find({pairs_[p].first, r.position, r.request});
    if (it == sources_.end()) continue;
    const auto& source = it->second;
    const size_t n = std::min(source.size(), r.experts.size());
    for (size_t k = 0; k < n; ++k) {
      const size_t cell = static_cast<size_t>(source[k]) * num_experts_ + r.experts[k];
      all_[p][cell] += 1.0;
      if (k == 0) top1_[p][cell] += 1.0;
    }
  }
  // A token's source choices are dropped at its last target layer, so memory holds the tokens
  // in flight rather than the whole trace.
  for (const auto& [i, j] : pairs_) {
    if (j == r.layer && last_target_[i] == j) sources_.erase({i, r.position, r.request});
  }
  if (r.layer < is_source_.size() && is_source_[r.layer]) {
    sources_[{r.layer, r.position, r.request}].assign(r.experts.begin(), r.experts.end());
  }
}

}  // namespace moesim
