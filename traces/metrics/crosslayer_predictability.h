#pragma once
/// Cross-layer top-1 predictability, as the OLMoE routing analysis measures it (target 8 in
/// ../shared/data/README.md): pair a token's r-th choice at layer i with its r-th choice at
/// layer j, count the pairs, and predict the expert at j from the expert at i by the most
/// frequent transition from it. Accuracy = sum over i of max_j count(i, j) / all pairs; the
/// marginal-only baseline always predicts the most frequent expert at j: max_j sum_i
/// count(i, j) / all pairs. Counted for r = 0 (the top-1 choices: the target's figures) and
/// for every r pooled (the measured top-k cross-layer counts).

#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim {

struct Predictability {
  double accuracy = 0.0;
  double baseline = 0.0;
  double pairs = 0.0;  ///< pairs counted
};

/// From an E x E row-major count matrix (row: expert at i, column: expert at j).
Predictability predictability_from_counts(std::span<const double> counts, uint32_t num_experts);

class CrossLayerPredictability {
 public:
  /// Layer pairs (i, j) with i < j (std::invalid_argument otherwise).
  CrossLayerPredictability(uint32_t num_experts, std::vector<std::pair<uint32_t, uint32_t>> pairs);

  /// One record. A token is identified by (request, position); its record at layer i must come
  /// before its record at layer j. Records of tokens whose layer-i record was not seen are
  /// ignored for that pair. A layer-i record is forgotten after the token's record at the
  /// last layer j paired with i, so memory grows with the tokens in flight, not the trace.
  void add(const RoutingRecordView& record);

  const std::vector<std::pair<uint32_t, uint32_t>>& pairs() const { return pairs_; }
  /// Count matrix of pair p: r = 0 only, or every r.
  const std::vector<double>& top1_counts(size_t p) const { return top1_[p]; }
  const std::vector<double>& all_counts(size_t p) const { return all_[p]; }

 private:
  uint32_t num_experts_;
  std::vector<std::pair<uint32_t, uint32_t>> pairs_;
  std::vector<std::vector<double>> top1_;
  std::vector<std::vector<double>> all_;
  // (source layer, request, position) -> the token's choices at the source layer
  struct Key {
    uint32_t layer;
    uint32_t position;
    uint64_t request;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  std::unordered_map<Key, std::vector<uint32_t>, KeyHash> sources_;
  std::vector<bool> is_source_;        // by layer
  std::vector<uint32_t> last_target_;  // by source layer: the largest j paired with it
};

}  // namespace moesim
