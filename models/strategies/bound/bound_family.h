#pragma once
/// Bound models: analytic, cheap hardware limits a scenario is read against
/// (../shared/reference/strategies.md s2). Each bound is a strategy of the `bound` family: it
/// declares its parameters and paper once, and its factory evaluates it on a BoundContext, the
/// scenario as far as `moesim bound` knows it without simulating. A bound that does not apply
/// to the scenario (MoE-Lens without weights in host memory, say) says why.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/bounds/pme.h"
#include "models/bounds/serving_roofline_bound.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/strategy_family.h"
#include "topologies/hardware_specs.h"
#include "traces/token_routing.h"

namespace moesim {

/// The host side of a deployment that keeps weights and KV in host memory (MoE-Lens's setting).
struct HostSide {
  CpuSpec cpu;  ///< one socket
  uint32_t sockets = 1;
  double kv_capacity_bytes = 0;  ///< host memory given to the KV cache
  bool weights_on_host = false;  ///< every weight streamed over the host link each iteration
};

/// One routing sample: for each MoE layer, the experts each sampled token chose, in token order.
using RoutingSample = std::vector<TokenRouting>;

/// What a bound may consult.
struct BoundContext {
  const MoeLayerShape* model = nullptr;  ///< always set
  GpuSpec gpu;
  double host_link_bandwidth = 0;  ///< bytes/s per direction between a GPU and its host
  uint32_t gpus = 1;               ///< GPUs of the machine (layer scenarios) or the layout
  uint32_t gpus_per_node = 1;
  double scale_up_bandwidth = 0;   ///< bytes/s per GPU each way inside a node
  double scale_out_bandwidth = 0;  ///< bytes/s per GPU each way between nodes; 0: one node
  uint32_t expert_ranks = 1;       ///< ranks the experts are spread over (contiguous blocks)
  uint64_t batch_tokens = 1;       ///< tokens of one MoE layer pass (a decode batch, a layer run)
  /// Serving scenarios: the deployment, its requests and limits.
  std::optional<ServingDeployment> deployment;
  RequestMix mix;
  std::vector<RequestClass> request_classes;  ///< (prompt, output) lengths with their counts
  BatchLimits limits;
  double kv_bytes_per_token = 0;  ///< whole model (all layers, all heads), bytes
  double model_bytes = 0;         ///< all weights, bytes
  std::optional<HostSide> host;
  /// Draws `tokens` tokens' routing from the scenario's generator (a separate instance, so a
  /// later run's draws are unchanged). Always set.
  std::function<RoutingSample(uint64_t tokens)> sample_routing;
};

/// A bound evaluated on a scenario: its figures, the regime and what binds.
struct BoundReport {
  std::string name;
  bool applies = true;
  std::string reason;  ///< why it does not apply
  /// Figures in print order: label and value with its unit.
  std::vector<std::pair<std::string, std::string>> figures;
  std::string regime;   ///< "" when the bound has none
  std::string binding;  ///< the binding resource or term
  /// The throughput it allows, in its own unit (`unit`), when it bounds throughput.
  std::optional<double> throughput;
  std::string unit;
};

/// A strategy of the family: built already evaluated.
class BoundModel {
 public:
  explicit BoundModel(BoundReport report) : report_(std::move(report)) {}
  const BoundReport& report() const { return report_; }

 private:
  BoundReport report_;
};

using BoundFamily = StrategyFamily<BoundModel, BoundContext>;

/// A report saying the bound does not apply, and why.
BoundReport not_applicable(std::string name, std::string reason);

void add_builtin_bounds(BoundFamily& family);

}  // namespace moesim
