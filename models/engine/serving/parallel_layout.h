#pragma once
/// How a serving deployment spreads one model over its GPUs.

#include <cstdint>

namespace moesim {

struct ParallelLayout {
  /// Engine replicas for attention; each schedules its own requests. Every MoE layer runs over
  /// all the replicas' GPUs of a stage together (DP attention with shared experts, as vLLM,
  /// SGLang and TRT-LLM run DeepSeek and Qwen MoE).
  uint32_t data_parallel = 1;
  /// Expert-parallel ranks of the MoE layers: the GPUs of a stage (data_parallel x
  /// tensor_parallel) are moe_expert_parallel x moe_tensor_parallel(); each expert-parallel
  /// rank holds whole experts of the placement, sliced over moe_tensor_parallel() GPUs. 1 means
  /// every GPU holds a slice of every expert (vLLM without --enable-expert-parallel).
  uint32_t expert_parallel = 1;
  uint32_t tensor_parallel = 1;
  uint32_t pipeline_parallel = 1;

  uint32_t gpus() const { return data_parallel * tensor_parallel * pipeline_parallel; }
  /// The GPUs of one pipeline stage.
  uint32_t stage_gpus() const { return data_parallel * tensor_parallel; }
  /// Slices of each routed expert (TRT-LLM's moe_tp_size): the stage's GPUs over the
  /// expert-parallel ranks.
  uint32_t moe_tensor_parallel() const { return stage_gpus() / expert_parallel; }

  /// The pipeline stage that runs decoder layer `layer` of `layers`: contiguous runs of
  /// layers, as equal as whole layers allow (layer l of L runs on stage floor(l P / L)).
  uint32_t stage_of_layer(uint32_t layer, uint32_t layers) const {
    return static_cast<uint32_t>(uint64_t{layer} * pipeline_parallel / layers);
  }
};

}  // namespace moesim
