// The roofline serving cost model (models/engine/serving/operator_serving_cost.h) as a strategy.
#include "models/engine/serving/operator_serving_cost.h"
#include "models/strategies/serving_cost/serving_cost_family.h"

namespace moesim {

ServingCostFamily::Entry roofline_serving_entry() {
  return {{"roofline",
           "every operator of the model card at the scenario's roofline efficiencies (the "
           "hardware limit of the schedule at efficiency 1)",
           {},
           nullptr},
          [](const ServingCostContext& c, const Params&) {
            OperatorServingConfig config{*c.card,
                                         *c.gpu,
                                         c.roofline,
                                         c.layout,
                                         c.framework_overhead_us,
                                         c.two_batch_overlap,
                                         c.kv_cache_dtype,
                                         c.host ? std::optional(*c.host) : std::nullopt};
            return std::make_unique<OperatorServingCost>(config, *c.experts, *c.routing,
                                                         *c.collectives, *c.exchange);
          }};
}

}  // namespace moesim
