#pragma once
/// The registry of strategies: every family, and in each the strategies built into moesim with
/// their typed parameters and factories. A plain object (no static registration): `moesim
/// list`, the scenario loader, the resolved config and docs/strategies.md all read it.

#include <vector>

#include "models/strategies/bound/bound_family.h"
#include "models/strategies/cost_model/operator_cost_family.h"
#include "models/strategies/dispatch/dispatch_strategy.h"
#include "models/strategies/moe_block/moe_block_family.h"
#include "models/strategies/network/network_family.h"
#include "models/strategies/placement/placement.h"
#include "models/strategies/routing/routing_family.h"
#include "models/strategies/scheduler/scheduler_family.h"
#include "models/strategies/serving_cost/serving_cost_family.h"

namespace moesim {

struct StrategyCatalog {
  RoutingFamily routing{"routing",
                        "synthetic or replayed expert choices per token "
                        "(scenario key routing.generator)"};
  PlacementFamily placement{"placement",
                            "which ranks hold which experts, and their replicas "
                            "(strategies.placement)"};
  NetworkFamily network{"network", "how concurrent flows share links (strategies.network)"};
  OperatorCostFamily cost_model{"cost_model",
                                "operator time on a device, layer path (strategies.cost_model)"};
  MoeBlockFamily moe_cost{"moe_cost",
                          "time of one rank's routed-expert block from its experts' "
                          "token counts (serving.moe_cost)"};
  ServingCostFamily serving_cost{"serving_cost",
                                 "time of one serving iteration (serving.cost_model)"};
  SchedulerFamily scheduler{"scheduler",
                            "which requests form each iteration's batch "
                            "(serving.scheduler)"};
  DispatchFamily dispatch{"dispatch",
                          "how a MoE layer's tokens reach their experts' ranks and come back "
                          "(strategies.dispatch)"};
  BoundFamily bound{"bound",
                    "analytic hardware limits a scenario is read against (`moesim bound`; "
                    "scenario key bounds)"};
  // Families later steps fill; listed so users see the whole design.
  PlannedFamily routing_transform{"routing_transform",
                                  "edits top-k choices before dispatch: capacity drop, reroute"};
  PlannedFamily expert_executor{"expert_executor",
                                "where an activated expert runs: GPU, CPU, streamed, split"};
  PlannedFamily expert_cache{"expert_cache", "GPU expert cache admission and eviction"};
  PlannedFamily predictor{"predictor", "predicted experts of future layers or tokens"};

  /// Every family, in the order `moesim list` prints them.
  std::vector<const FamilyInfo*> families() const {
    return {&routing,      &placement, &network,  &cost_model,        &moe_cost,
            &serving_cost, &scheduler, &dispatch, &routing_transform, &expert_executor,
            &expert_cache, &predictor, &bound};
  }
};

/// The catalogue with every built-in strategy.
StrategyCatalog builtin_strategies();

}  // namespace moesim
