#pragma once
/// How OperatorServingCost times the operators of one GPU: the roofline from FLOPs and bytes
/// (RooflineOperatorTimer, the hardware limit) or measured operator tables
/// (DatabaseOperatorTimer, a prediction). The serving cost model around it does the rest:
/// routing, expert placement, collectives, pipeline stages.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/engine/serving/front_end_latency.h"
#include "models/engine/serving/rank_load.h"

namespace moesim {

/// One decoder layer's operators outside the routed experts on one GPU, microseconds.
struct LayerTime {
  double total = 0, attention = 0, dense = 0;
  /// With streamed weights (serving.weights: host): the decode attention core on the host
  /// CPU, not in `total` (which is the GPU's); 0 otherwise.
  double cpu = 0;
};

class ServingOperatorTimer {
 public:
  virtual ~ServingOperatorTimer() = default;
  /// Decoder layer `layer` (attention, norms, router, shared experts or dense FFN) on one GPU of
  /// a data-parallel rank whose batch is `load`.
  virtual LayerTime layer(const RankLoad& load, uint32_t layer) const = 0;
  /// The routed experts of one expert-parallel rank on one of its GPUs: `tokens[e]` tokens for
  /// each expert it holds, each expert sliced `moe_tensor_parallel` ways.
  virtual double experts(const std::vector<uint64_t>& tokens, double moe_tensor_parallel) const = 0;
  /// The input embedding and the LM head (with the sampler) of a rank, microseconds.
  virtual double embedding(const RankLoad& load) const = 0;
  virtual double head(const RankLoad& load) const = 0;
  /// The tensor-parallel all-reduce of `tokens` hidden vectors, microseconds, when the timer
  /// has measured it; negative to let the machine's collectives time it.
  virtual double tensor_all_reduce(double /*tokens*/) const { return -1.0; }
  /// Framework time outside the kernels in an iteration of these batches, microseconds.
  virtual double overhead(std::span<const RankLoad> loads) const = 0;
  /// A request's time in the serving front end, outside the engine.
  virtual FrontEndLatency front_end() const { return {}; }
  /// One line for the run's summary (how lookups went), "" when there is nothing to say.
  virtual std::string summary() const { return ""; }
};

}  // namespace moesim
