#include "models/strategy_catalog.h"

#include "models/placement/contiguous.h"
#include "models/placement/round_robin.h"
#include "sim/max_min_network.h"
#include "traces/round_robin_routing.h"
#include "traces/uniform_routing.h"

namespace moesim {

StrategyCatalog builtin_strategies() {
  StrategyCatalog c;
  c.placement.add({"contiguous",
                   "rank r holds the r-th block of consecutive experts (vLLM/SGLang EP layout)",
                   {},
                   [] { return std::make_unique<ContiguousPlacement>(); }});
  c.placement.add({"round_robin", "expert e on rank e mod ranks", {}, [] {
                     return std::make_unique<RoundRobinPlacement>();
                   }});

  c.routing.add({"uniform",
                 "each token picks top_k distinct experts uniformly at random (stream 'routing')",
                 {},
                 [](const RoutingShape& shape, RngStreams& rng) {
                   return std::make_unique<UniformRouting>(shape, rng.stream("routing"));
                 }});
  c.routing.add({"round_robin",
                 "token t picks experts t .. t+k-1 mod E: balanced, for analytic checks",
                 {},
                 [](const RoutingShape& shape, RngStreams&) {
                   return std::make_unique<RoundRobinRouting>(shape);
                 }});

  c.cost_model.add(
      {"roofline",
       "max(FLOPs / achievable peak, bytes / achievable bandwidth) + kernel overhead",
       {{"compute_efficiency", "1.0", "achieved fraction of peak FLOP/s, (0, 1]"},
        {"memory_efficiency", "1.0", "achieved fraction of memory bandwidth, (0, 1]"},
        {"kernel_overhead", "0 us", "fixed time added to every operator"}},
       [](const RooflineConfig& cfg) { return std::make_unique<RooflineCostModel>(cfg); }});

  c.network.add({"max_min",
                 "flow-level: max-min fair sharing by progressive filling, per-hop latency",
                 {},
                 [](Simulator& sim) { return std::make_unique<MaxMinNetwork>(sim); }});
  return c;
}

}  // namespace moesim
