// The serving roofline: the most output tokens/s any schedule gets from the deployment's GPUs,
// memory, links and KV capacity (models/bounds/serving_roofline_bound.h).
#include "models/strategies/bound/bound_entries.h"

namespace moesim {

BoundFamily::Entry serving_roofline_bound_entry() {
  return {{"serving_roofline",
           "serving: output tokens/s at the hardware limit per resource (compute, HBM, "
           "network, KV capacity, arrivals); the least binds (roofline, Williams et al. 2009)",
           {},
           nullptr},
          [](const BoundContext& c, const Params&) {
            const std::string name = "serving_roofline";
            if (!c.deployment) {
              return std::make_unique<BoundModel>(
                  not_applicable(name, "a layer scenario: it serves no requests"));
            }
            const ServingBound b = serving_throughput_bound(*c.deployment, c.mix, c.limits);
            BoundReport r;
            r.name = name;
            for (size_t i = 0; i < kResourceCount; ++i) {
              r.figures.emplace_back(std::string(to_string(static_cast<Resource>(i))),
                                     tokens_per_s_text(b.tokens_per_s[i]));
            }
            r.figures.emplace_back("decode batch at the bound", std::to_string(b.batch));
            r.binding = std::string(to_string(b.binding));
            r.throughput = b.output_tokens_per_s;
            r.unit = "output tokens/s";
            return std::make_unique<BoundModel>(std::move(r));
          }};
}

}  // namespace moesim
