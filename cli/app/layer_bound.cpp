#include "cli/app/layer_bound.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/operator_costs.h"

namespace moesim {
namespace {

/// Bytes/s of all the links into each GPU vertex, in rank order.
std::vector<double> ingress_bandwidth(const Topology& topology) {
  std::vector<double> in(topology.gpus().size(), 0.0);
  for (const TopologyLink& link : topology.links()) {
    const auto& gpus = topology.gpus();
    const auto it = std::find(gpus.begin(), gpus.end(), link.to);
    if (it != gpus.end()) in[it - gpus.begin()] += link.config.bandwidth;
  }
  return in;
}

}  // namespace

LayerBound layer_bound(const LayerSimulation& sim) {
  const ScenarioConfig& c = sim.config();
  const MoeLayerShape& shape = c.model;
  const LayerForwardResult& r = sim.forward().result();
  const size_t ranks = r.home_tokens_per_rank.size();
  const std::vector<double> ingress = ingress_bandwidth(sim.topology());
  LayerBound b;
  std::vector<double> rank_load(ranks, 0.0);
  for (size_t rank = 0; rank < ranks; ++rank) {
    const uint64_t home = r.home_tokens_per_rank[rank];
    const uint64_t served = r.expert_tokens_per_rank[rank];
    const OpCost router = router_cost(shape, home);
    const OpCost combine = combine_reduce_cost(shape, home, 0);  // its selections not counted
    const double expert_flops = 6.0 * static_cast<double>(served) * shape.hidden_size *
                                static_cast<double>(shape.expert_ffn_size);
    const double expert_bytes = r.active_experts_per_rank[rank] * shape.expert_weight_bytes() +
                                2.0 * static_cast<double>(served) * shape.token_bytes();
    const double flops = (home > 0 ? router.flops + combine.flops : 0.0) + expert_flops;
    const double bytes = (home > 0 ? router.bytes + combine.bytes : 0.0) + expert_bytes;
    b.step[Resource::kCompute] = std::max(b.step[Resource::kCompute], flops / c.gpu.peak_flops);
    b.step[Resource::kMemory] = std::max(b.step[Resource::kMemory], bytes / c.gpu.memory_bandwidth);
    double received = 0;
    for (size_t src = 0; src < ranks; ++src) {
      if (src == rank) continue;
      received += r.dispatch_bytes[src][rank];
    }
    if (received > 0 && ingress[rank] > 0) {
      b.step[Resource::kNetwork] = std::max(b.step[Resource::kNetwork], received / ingress[rank]);
    }
    rank_load[rank] = static_cast<double>(served);
  }
  b.straggler = straggler_bound(rank_load);
  b.achieved_s = (r.end - r.start).seconds();
  return b;
}

std::string format_layer_bound(const LayerBound& b) {
  return fmt::format(
      "bound     {:.3f} us ({} binds) = {:.1f}% of the hardware limit; expert load max/mean "
      "{:.3f} (rank {})\n",
      b.step.bound() * 1e6, to_string(b.step.binding()), 100.0 * b.fraction(),
      b.straggler.imbalance, b.straggler.busiest_rank);
}

}  // namespace moesim
