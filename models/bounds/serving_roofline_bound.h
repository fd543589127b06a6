#pragma once
/// The hardware limit of a serving deployment: the most output tokens per second any schedule
/// could get from its GPUs, memory, links and KV capacity, and the least time an engine step
/// of a given shape could take. Every simulated serving run is read against it.
///
/// A lower bound on work, so that no run can beat it (moesim's reading of the roofline, as
/// MoE-Lens and MoE-Lightning bound throughput; ../shared/reference/strategies.md s2):
///   compute: the model's FLOPs at each operator's dense peak (fp8 GEMMs at the fp8 peak),
///     spread evenly over every GPU; replicated work (the router under TP) is not counted;
///   HBM: each step reads the weights once (not once per replica) with the routed load on the
///     fewest experts it can use (top_k per MoE layer: any routing reads at least those), plus
///     the KV cache once per decode token, spread evenly over every GPU's memory bandwidth;
///   network: the tensor-parallel all-reduces (two per layer, each GPU sending (t-1)/t of the
///     vectors) and pipeline hand-offs, at the fastest GPU-to-GPU link; expert-parallel
///     exchange is not counted (a placement may keep a token's experts local);
///   host link: with streamed weights, every step moves them all over the host link;
///   KV capacity: a decoding sequence holds at least its prompt and one token, in whole
///     blocks, so at most kv_tokens / that sequences decode together;
///   arrivals: an open loop cannot finish before its last request arrives.

#include <cstdint>
#include <optional>

#include "models/bounds/resource_roofline.h"
#include "models/dtype.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/layer_operators.h"
#include "models/model_card.h"
#include "topologies/hardware_specs.h"

namespace moesim {

/// The deployment: model, GPUs and how the model is spread over them.
struct ServingDeployment {
  ModelCard card;
  GpuSpec gpu;  ///< peak_flops_by_dtype and memory_bandwidth are read
  ParallelLayout layout;
  Dtype kv_cache = Dtype::kBf16;
  double network_bandwidth =
      0;  ///< bytes/s per GPU each way, fastest GPU-to-GPU path; 0: unknown, no network term
  double nic_bandwidth = 0;  ///< bytes/s per GPU each way between nodes; 0: one node
  /// Weights streamed from host memory every step (serving.weights: host), bytes; 0 when the
  /// weights stay on the GPUs.
  double streamed_bytes_per_step = 0;
  double host_link_bandwidth = 0;  ///< bytes/s host to GPU, per GPU
};

/// Bytes a step's expert-parallel exchange moved (a finished run knows them).
struct ExchangeBytes {
  double bytes = 0;         ///< over any link, dispatch and combine
  double across_nodes = 0;  ///< of them, between nodes
};

/// The requests to serve: counts and mean lengths.
struct RequestMix {
  uint64_t requests = 0;
  double prompt_tokens = 0;  ///< mean
  double output_tokens = 0;  ///< mean, >= 1
  /// Token-weighted means of the keys a prompt token and a decode token attend to.
  double prefill_context = 0, decode_context = 0;
  double arrival_span_s = 0;  ///< last arrival - first arrival; 0 for a closed loop
};

/// What limits how many sequences decode in one step.
struct BatchLimits {
  uint64_t max_sequences = 0;  ///< scheduler limits over all replicas (and clients)
  uint64_t kv_tokens = 0;      ///< KV capacity of all replicas, tokens
  uint32_t block_tokens = 16;
};

/// Seconds each resource needs for one engine step of shape `step` (all replicas together),
/// the step reading the weights once. Compute, HBM and network only; its routed load on the
/// fewest experts any routing can use (top_k per MoE layer).
ResourceTimes step_lower_bound(const ServingDeployment& deployment, const BatchShape& step);

/// What a finished run did, summed over its steps.
struct RunWork {
  BatchShape tokens;          ///< every token of the run as one shape (contexts: means)
  double steps = 0;           ///< engine steps; each reads the non-expert weights once
  double active_experts = 0;  ///< routed experts with a token, summed over layers and steps
  ExchangeBytes exchange;     ///< bytes the dispatch moved
};

/// Seconds each resource needs for the mean step of `work`: its total over the steps (the
/// non-expert weights but the embedding's rows once per step, `active_experts` experts'
/// weights, every token's FLOPs and traffic once). A
/// lower bound of the run's mean step time, whatever the shape of each step, since every
/// resource's time is linear in the tokens, the steps and the experts read.
ResourceTimes mean_step_lower_bound(const ServingDeployment& deployment, const RunWork& work);

struct ServingBound {
  /// Output tokens/s each resource allows (infinity where it sets no limit), by Resource.
  std::array<double, kResourceCount> tokens_per_s{};
  double output_tokens_per_s = 0;  ///< the least of them
  Resource binding = Resource::kCompute;
  uint64_t batch = 0;  ///< sequences decoding together at the bound
  /// Decode steps the requests need at least, each at `batch` sequences.
  double decode_steps = 0;
};

/// The most output tokens/s the deployment can give `mix` under `limits`.
/// Throws std::invalid_argument for no requests, or a GPU without peak FLOP/s or memory
/// bandwidth.
ServingBound serving_throughput_bound(const ServingDeployment& deployment, const RequestMix& mix,
                                      const BatchLimits& limits);

}  // namespace moesim
