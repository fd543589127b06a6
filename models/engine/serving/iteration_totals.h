#pragma once
/// Running sums over a serving run's iterations: what the summary and layers.csv report. Its
/// size is O(layers x ranks) however many iterations are added, so a long run keeps no
/// per-iteration record.

#include <cstdint>
#include <vector>

#include "models/engine/serving/iteration_record.h"

namespace moesim {

class IterationTotals {
 public:
  /// Adds one iteration, in the order they start (sums are then the same to the last bit).
  void add(const IterationRecord& record);

  uint64_t iterations() const { return iterations_; }
  uint64_t tokens() const { return tokens_; }
  /// Routed experts with a token, summed over MoE layers and iterations (IterationCost).
  uint64_t active_experts() const { return active_experts_; }
  /// Components on the critical path, microseconds summed over iterations (IterationCost).
  double attention_us() const { return attention_us_; }
  double dense_us() const { return dense_us_; }
  double moe_us() const { return moe_us_; }
  double communication_us() const { return communication_us_; }
  double sampling_us() const { return sampling_us_; }
  double overhead_us() const { return overhead_us_; }
  /// Exposed weight streaming (IterationCost::host_transfer_us), 0 with weights on the GPU.
  double host_transfer_us() const { return host_transfer_us_; }
  /// Exchange time hidden under compute by two-batch overlap (not in communication_us()).
  double hidden_communication_us() const { return hidden_communication_us_; }
  /// The components' sum, microseconds: the engine's busy time (summed over overlapping
  /// batches with pipeline stages).
  double busy_us() const;
  /// Kernel time of each rank summed over the run, microseconds.
  const std::vector<double>& rank_busy_us() const { return rank_busy_us_; }
  /// Kernel time of each rank in each decoder layer summed over the run, microseconds,
  /// [layer * ranks + rank].
  const std::vector<double>& layer_rank_busy_us() const { return layer_rank_busy_us_; }

 private:
  uint64_t iterations_ = 0, tokens_ = 0, active_experts_ = 0;
  double attention_us_ = 0, dense_us_ = 0, moe_us_ = 0, communication_us_ = 0, sampling_us_ = 0,
         overhead_us_ = 0, host_transfer_us_ = 0, hidden_communication_us_ = 0;
  std::vector<double> rank_busy_us_, layer_rank_busy_us_;
};

}  // namespace moesim
