#pragma once
/// Builds the scenario-selectable generators from their parameters (traces/routing_params.h).
/// Random streams, by name: "routing" for the tokens' choices, "routing.popularity" for Zipf
/// permutations and Dirichlet draws, "routing.transitions" for the random cross-layer rows,
/// "routing.calibration" for the calibrated generator's fit.

#include <memory>

#include "sim/rng.h"
#include "traces/routing_generator.h"
#include "traces/routing_params.h"

namespace moesim {

/// SyntheticRouting: popularity, optional random transitions from layer l-1 into l, temporal
/// reuse and k per token. Throws std::invalid_argument for out-of-range parameters.
std::unique_ptr<RoutingGenerator> make_routing_from_spec(const RoutingShape& shape,
                                                         const SyntheticRoutingSpec& spec,
                                                         RngStreams& rng);

/// The calibrated generator on the shipped statistics (default_routing_stats_dir()). Without
/// `reshape` the measured model's experts and top_k must equal `shape`; with it they are
/// mapped onto `shape` (traces/calibration/measured_routing_reshape.h). Throws
/// std::invalid_argument for an unknown model or domain or a shape that does not fit.
std::unique_ptr<RoutingGenerator> make_routing_from_spec(const RoutingShape& shape,
                                                         const CalibratedRoutingSpec& spec,
                                                         RngStreams& rng);

}  // namespace moesim
