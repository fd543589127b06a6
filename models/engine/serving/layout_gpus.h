#pragma once
/// Which GPU of the machine runs each part of a serving layout, numbered as launchers number
/// ranks: the pipeline stage outermost, then the data-parallel replica, the tensor-parallel rank
/// innermost. A replica's TP GPUs are consecutive machine ranks, so they share a node whenever
/// TP fits in one (torchrun, vLLM and SGLang put TP inside a node first); a stage's GPUs form
/// one block, so its expert-parallel group spans as few nodes as it can, and when a stage fills
/// whole nodes the stages sit on different nodes (pipeline parallelism across nodes, only
/// activations crossing the slower fabric). Machine ranks follow topology.gpus(): node-major.
///
/// Inside a stage, the GPU at offset i (replica x TP + TP rank) is expert-parallel rank
/// i % expert_parallel and holds MoE tensor-parallel slice i / expert_parallel, as TRT-LLM maps
/// moe_ep_rank and moe_tp_rank.

#include <cstdint>
#include <vector>

#include "models/engine/serving/parallel_layout.h"

namespace moesim {

using GpuGroups = std::vector<std::vector<uint32_t>>;  ///< machine ranks, one list per group

class LayoutGpus {
 public:
  explicit LayoutGpus(ParallelLayout layout) : layout_(layout) {}

  const ParallelLayout& layout() const { return layout_; }

  /// The machine rank of TP rank `tp` of replica `replica` in stage `stage`.
  uint32_t gpu(uint32_t stage, uint32_t replica, uint32_t tp) const {
    return (stage * layout_.data_parallel + replica) * layout_.tensor_parallel + tp;
  }
  /// The expert-parallel rank of the stage's GPU at `offset` (replica x TP + TP rank).
  uint32_t expert_rank(uint32_t offset) const { return offset % layout_.expert_parallel; }

  /// Each replica's TP group in `stage` (the attention and dense all-reduces).
  GpuGroups tensor_groups(uint32_t stage) const;
  /// One group per TP rank in `stage`: that TP rank of every replica, which gather each
  /// other's tokens for the MoE layer and scatter its results back (vLLM's DP+EP naive path).
  GpuGroups data_groups(uint32_t stage) const;
  /// Each replica's hand-off from `stage` to `stage` + 1: {its TP rank 0 there, its TP rank 0
  /// in the next stage}.
  GpuGroups handoff_pairs(uint32_t stage) const;
  /// Expert weight migration in `stage`: every expert-parallel rank r receives from rank
  /// r + 1 (mod the ranks), all at once; {sender, receiver} of rank r's first GPU.
  GpuGroups migration_pairs(uint32_t stage) const;

 private:
  ParallelLayout layout_;
};

}  // namespace moesim
