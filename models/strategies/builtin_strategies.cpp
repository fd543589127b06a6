#include "models/strategies/strategy_catalog.h"

namespace moesim {

StrategyCatalog builtin_strategies() {
  StrategyCatalog c;
  add_builtin_routing(c.routing);
  add_builtin_placements(c.placement);
  add_builtin_networks(c.network);
  add_builtin_dispatch(c.dispatch);
  add_builtin_operator_costs(c.cost_model);
  add_builtin_moe_blocks(c.moe_cost);
  c.serving_cost.add(profiled_serving_entry());
  c.serving_cost.add(roofline_serving_entry());
  c.serving_cost.add(operator_database_entry());
  add_builtin_schedulers(c.scheduler);
  add_builtin_bounds(c.bound);
  return c;
}

}  // namespace moesim
