#pragma once
/// The BoundContext of a scenario (models/strategies/bound/bound_family.h): for a serving
/// scenario from its built (not run) ServingRun, for a layer scenario from its config; the
/// routing sampler draws from a generator of its own, seeded as the run's.

#include "cli/app/scenario_config.h"
#include "cli/app/serving_run.h"
#include "models/strategies/bound/bound_family.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// `run` is null for a layer scenario; both must outlive the context (its sampler refers to
/// them).
BoundContext bound_context(const ScenarioConfig& config, const StrategyCatalog& catalog,
                           const ServingRun* run);

}  // namespace moesim
