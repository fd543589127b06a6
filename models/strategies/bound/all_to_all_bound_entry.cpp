// The all-to-all lower bound: the dispatch of one MoE layer's tokens (a routing sample of the
// scenario) cannot finish before the busiest GPU link, NIC or node cut has carried its bytes
// (models/bounds/all_to_all_bound.h; NCCL's bus-bandwidth conventions, nccl-tests issues #130,
// #212, #290).
#include <algorithm>

#include <fmt/format.h>

#include "models/bounds/all_to_all_bound.h"
#include "models/strategies/bound/bound_entries.h"
#include "models/strategies/bound/routing_sample_loads.h"

namespace moesim {

BoundFamily::Entry all_to_all_bound_entry() {
  return {{"all_to_all",
           "all-to-all lower bound: one MoE layer's dispatch (a routing sample, experts in "
           "contiguous blocks) over the busiest GPU link, NIC or node cut; the worst MoE layer "
           "(per-GPU bandwidths as nccl-tests counts them, NVIDIA/nccl-tests #130, #212, #290)",
           {param::optional("tokens", ParamKind::kUint,
                            "the decode batch (serving) or the layer's tokens",
                            "tokens dispatched in the sampled layer pass")
                .in(1, 1 << 24)
                .spec},
           nullptr},
          [](const BoundContext& c, const Params& p) {
            const std::string name = "all_to_all";
            if (c.expert_ranks < 2) {
              return std::make_unique<BoundModel>(
                  not_applicable(name, "one expert-parallel rank: no token leaves its GPU"));
            }
            const uint64_t tokens = p.has("tokens") ? p.whole("tokens") : c.batch_tokens;
            AllToAllFabric fabric;
            for (uint32_t r = 0; r < c.expert_ranks; ++r) {
              fabric.node_of_rank.push_back(r / std::max<uint32_t>(1, c.gpus_per_node));
            }
            fabric.scale_up_bandwidth = c.scale_up_bandwidth;
            fabric.scale_out_bandwidth = c.scale_out_bandwidth;
            AllToAllBound worst;
            size_t worst_layer = 0;
            const RoutingSample sample = c.sample_routing(tokens);
            for (size_t layer = 0; layer < sample.size(); ++layer) {
              const SampledLayerTraffic t = sampled_layer_traffic(
                  sample[layer], c.model->num_experts, c.expert_ranks, c.model->token_bytes());
              const AllToAllBound b = all_to_all_lower_bound(t.bytes, fabric);
              if (layer == 0 || b.seconds > worst.seconds) {
                worst = b;
                worst_layer = layer;
              }
            }
            BoundReport r;
            r.name = name;
            r.figures = {{"tokens dispatched", std::to_string(tokens)},
                         {"dispatch, worst MoE layer", seconds_text(worst.seconds)},
                         {"of which scale-up", seconds_text(worst.scale_up_s)},
                         {"of which scale-out", seconds_text(worst.scale_out_s)},
                         {"worst layer (MoE layer index)", std::to_string(worst_layer)}};
            r.binding = worst.binding;
            return std::make_unique<BoundModel>(std::move(r));
          }};
}

}  // namespace moesim
