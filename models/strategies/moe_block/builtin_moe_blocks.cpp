// The MoE block cost models built into moesim (their classes live in models/cost_model/).
#include <stdexcept>

#include "models/cost_model/profiled_moe_block_cost.h"
#include "models/cost_model/roofline_moe_block_cost.h"
#include "models/strategies/moe_block/moe_block_family.h"

namespace moesim {

void add_builtin_moe_blocks(MoeBlockFamily& family) {
  family.add({{"profiled",
               "the serving profile's measured (tokens, activated experts) table, interpolated",
               {},
               nullptr},
              [](const MoeBlockContext& c, const Params&) -> std::unique_ptr<MoeBlockCostModel> {
                if (c.profile == nullptr) {
                  throw ConfigError("moe_cost profiled needs the profiled serving cost model");
                }
                return std::make_unique<ProfiledMoeBlockCost>(*c.profile, c.model->top_k);
              }});
  family.add({{"roofline",
               "per-expert roofline of the SwiGLU GEMMs at the scenario's efficiencies (the "
               "hardware limit at efficiency 1)",
               {},
               nullptr},
              [](const MoeBlockContext& c, const Params&) {
                return std::make_unique<RooflineMoeBlockCost>(*c.model, *c.gpu, c.roofline);
              }});
}

}  // namespace moesim
