// The straggler bound under expert parallelism (Capacity-Aware Inference, s4.4 of
// ../shared/reference/strategies.md): a MoE layer lasts as long as its busiest rank, so its
// time is at least max over mean rank load times the balanced time. From a routing sample.
#include <fmt/format.h>

#include "models/bounds/straggler_bound.h"
#include "models/strategies/bound/bound_entries.h"
#include "models/strategies/bound/routing_sample_loads.h"

namespace moesim {

BoundFamily::Entry straggler_bound_entry() {
  return {{"straggler",
           "straggler bound (Capacity-Aware Inference): the busiest expert-parallel rank's "
           "load over the mean, worst MoE layer of a routing sample, experts in contiguous "
           "blocks",
           {param::optional("tokens", ParamKind::kUint,
                            "the decode batch (serving) or the layer's tokens",
                            "tokens routed in the sampled layer pass")
                .in(1, 1 << 24)
                .spec},
           nullptr},
          [](const BoundContext& c, const Params& p) {
            const std::string name = "straggler";
            if (c.expert_ranks < 2) {
              return std::make_unique<BoundModel>(
                  not_applicable(name, "one expert-parallel rank: nothing to balance"));
            }
            const uint64_t tokens = p.has("tokens") ? p.whole("tokens") : c.batch_tokens;
            StragglerBound worst;
            size_t worst_layer = 0;
            const RoutingSample sample = c.sample_routing(tokens);
            for (size_t layer = 0; layer < sample.size(); ++layer) {
              const SampledLayerTraffic t = sampled_layer_traffic(
                  sample[layer], c.model->num_experts, c.expert_ranks, c.model->token_bytes());
              const StragglerBound b = straggler_bound(t.rank_selections);
              if (layer == 0 || b.imbalance > worst.imbalance) {
                worst = b;
                worst_layer = layer;
              }
            }
            BoundReport r;
            r.name = name;
            r.figures = {{"tokens routed", std::to_string(tokens)},
                         {"busiest rank load", fmt::format("{:.0f} pairs", worst.max_load)},
                         {"mean rank load", fmt::format("{:.1f} pairs", worst.mean_load)},
                         {"max / mean", fmt::format("{:.3f}", worst.imbalance)},
                         {"worst layer (MoE layer index)", std::to_string(worst_layer)}};
            r.binding = fmt::format("rank {}", worst.busiest_rank);
            return std::make_unique<BoundModel>(std::move(r));
          }};
}

}  // namespace moesim
