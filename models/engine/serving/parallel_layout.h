#pragma once
/// How a serving deployment spreads one model over its GPUs.

#include <cstdint>

namespace moesim {

struct ParallelLayout {
  /// Engine replicas for attention; each schedules its own requests. With expert parallelism
  /// they run every MoE layer together (DP+EP, as vLLM and SGLang run DeepSeek and Qwen MoE).
  uint32_t data_parallel = 1;
  /// GPUs that share the routed experts of each MoE layer: data_parallel x tensor_parallel when
  /// enabled (vLLM's --enable-expert-parallel), else 1.
  uint32_t expert_parallel = 1;
  uint32_t tensor_parallel = 1;
  uint32_t pipeline_parallel = 1;

  uint32_t gpus() const { return data_parallel * tensor_parallel * pipeline_parallel; }

  /// The pipeline stage that runs decoder layer `layer` of `layers`: contiguous runs of
  /// layers, as equal as whole layers allow (layer l of L runs on stage floor(l P / L)).
  uint32_t stage_of_layer(uint32_t layer, uint32_t layers) const {
    return static_cast<uint32_t>(uint64_t{layer} * pipeline_parallel / layers);
  }
};

}  // namespace moesim
