#pragma once
/// The collectives of a serving layout, each run by every group that issues it, on the group's
/// own GPUs of the scenario's machine (LayoutGpus), all groups of a stage at once so that those
/// sharing links contend (PhaseTimer: flows on one persistent network, or the closed-form
/// collective model):
///   tensor-parallel all-reduces, one per replica among its TP GPUs;
///   the expert-parallel all-gather and reduce-scatter of every replica's tokens, one per TP
///   rank among that TP rank of every replica;
///   every replica's hand-off of activations from one pipeline stage to the next;
///   the migration of expert weights after a re-plan among the expert-parallel ranks.
/// A phase lasts until its slowest group finishes, and the slowest stage sets the time (the
/// stages run the same phases on their own GPUs). Durations are remembered per phase and size.

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "models/comm/phase_timer.h"
#include "models/engine/serving/layout_gpus.h"

namespace moesim {

class LayoutCollectives {
 public:
  /// Throws std::invalid_argument if the layout needs more GPUs than `machine_gpus`.
  LayoutCollectives(const ParallelLayout& layout, uint32_t machine_gpus,
                    std::unique_ptr<PhaseTimer> timer);

  /// Microseconds of an all-reduce of `bytes` in every replica's TP group.
  double tensor_all_reduce_us(double bytes) { return us(kTensorAllReduce, bytes); }
  /// Microseconds of the all-gather of `bytes` (every replica's tokens) among the data-parallel
  /// ranks, one group per TP rank.
  double expert_all_gather_us(double bytes) { return us(kDataAllGather, bytes); }
  /// Microseconds of the reduce-scatter of `bytes` among the same groups.
  double expert_reduce_scatter_us(double bytes) { return us(kDataReduceScatter, bytes); }
  /// Microseconds for a pipeline stage to hand `tokens` tokens to the next: their hidden
  /// states and residual (vLLM's intermediate tensors), `token_bytes` each, every replica at
  /// once.
  double stage_handoff_us(double tokens, double token_bytes) {
    return us(kStageHandoff, 2 * tokens * token_bytes);
  }
  /// Microseconds to move expert weights after a re-plan, each expert-parallel rank receiving
  /// `bytes` from another (the rank that receives the most sets the size: an upper estimate).
  double migration_us(double bytes) { return us(kMigration, bytes); }

  const LayoutGpus& gpus() const { return gpus_; }

 private:
  enum PhaseKind : uint8_t {
    kTensorAllReduce,
    kDataAllGather,
    kDataReduceScatter,
    kStageHandoff,
    kMigration,
    kPhaseKinds
  };
  double us(PhaseKind kind, double bytes);

  LayoutGpus gpus_;
  std::unique_ptr<PhaseTimer> timer_;
  std::vector<std::vector<CollectivePhase>> phases_;  // [kind][stage]
  std::map<std::pair<PhaseKind, double>, double> memo_;
};

}  // namespace moesim
