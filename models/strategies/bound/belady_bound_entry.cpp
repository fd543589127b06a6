// Belady's optimal replacement (MIN; Belady 1966) as the cache bound: no expert cache of
// `capacity` experts per layer can hit more often on the scenario's routing than the policy
// that evicts the expert used farthest in the future (models/bounds/belady.h).
#include <fmt/format.h>

#include "models/bounds/belady.h"
#include "models/strategies/bound/bound_entries.h"

namespace moesim {

BoundFamily::Entry belady_bound_entry() {
  return {{"belady",
           "Belady's optimal hit rate (MIN, 1966): the best any GPU expert cache of `capacity` "
           "experts per layer can do on a routing sample, tokens in order",
           {param::optional("capacity", ParamKind::kUint, "half the experts of a layer",
                            "experts cached per layer")
                .in(0, 65536)
                .spec,
            param::whole("tokens", 4096, "tokens of the routing sample, in request order")
                .in(1, 1 << 22)
                .spec},
           [](Params& p, const ParamCheckContext& c) {
             if (p.has("capacity") && p.whole("capacity") > c.model->num_experts) {
               throw ParamError("capacity",
                                fmt::format("a layer has {} experts: a cache of {} holds them all",
                                            c.model->num_experts, p.whole("capacity")));
             }
           }},
          [](const BoundContext& c, const Params& p) {
            const std::string name = "belady";
            const uint64_t capacity =
                p.has("capacity") ? p.whole("capacity") : c.model->num_experts / 2;
            const RoutingSample sample = c.sample_routing(p.whole("tokens"));
            uint64_t hits = 0, references = 0;
            double worst = 1.0;
            for (const TokenRouting& layer : sample) {
              const BeladyResult b = belady_hits(layer.experts, capacity);
              hits += b.hits;
              references += b.hits + b.misses;
              worst = std::min(worst, b.hit_rate);
            }
            const double rate =
                references > 0 ? static_cast<double>(hits) / static_cast<double>(references) : 0;
            BoundReport r;
            r.name = name;
            r.figures = {{"experts cached per layer",
                          fmt::format("{} of {}", capacity, c.model->num_experts)},
                         {"tokens sampled", std::to_string(p.whole("tokens"))},
                         {"best hit rate, all layers", fmt::format("{:.2f}%", 100.0 * rate)},
                         {"best hit rate, worst layer", fmt::format("{:.2f}%", 100.0 * worst)}};
            r.binding = "cache capacity";
            return std::make_unique<BoundModel>(std::move(r));
          }};
}

}  // namespace moesim
