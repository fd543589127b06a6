// The blocks whose keys are a strategy's parameters: `strategies:` and `bounds:`
// (cli/app/scenario_loader.cpp; `routing:`, also one, is declared with the top level). Only
// the sections are declared here; their parameters come from the strategy registry
// (models/strategies/, docs/strategies.md).

#include <fmt/format.h>

#include "cli/app/keys/key_blocks.h"
#include "models/strategies/network/network_family.h"

namespace moesim::key_blocks {

std::vector<ScenarioKey> strategy_section_keys() {
  return {
      key::strategy("strategies.placement", "placement", "name", "contiguous",
                    "Which GPU holds which expert, and its replicas."),
      key::strategy("strategies.network", "network", "name",
                    fmt::format("max_min (collective for a serving layout of more than {} GPUs)",
                                kFlowLevelServingGpus),
                    "How concurrent flows share links."),
      key::strategy("strategies.cost_model", "cost_model", "name", "roofline",
                    "Operator time on a GPU in a layer pass, and the roofline serving model's "
                    "efficiencies."),
      key::strategy("strategies.dispatch", "dispatch", "name",
                    "all_to_allv (serving: allgather_reducescatter)",
                    "How each MoE layer's tokens reach their experts' ranks and come back."),
      key::strategy("bounds.<bound>", "bound", "", "none",
                    "One bound, named by its key, with its parameters (or nothing: its "
                    "defaults)."),
  };
}

}  // namespace moesim::key_blocks
