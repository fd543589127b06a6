#pragma once
/// A layer run (one MoE layer forward) read against its hardware limit: the least time the
/// same work could take on the machine (models/bounds/resource_roofline.h), with each rank
/// doing the work its placement gave it.
///   compute: the busiest rank's router, expert and combine FLOPs at the GPU's peak;
///   HBM: the busiest rank's bytes: router and combine traffic, each launched expert's weights
///     once, its tokens in and out;
///   network: the busiest rank's dispatch bytes received, over all the links into it (each
///     token copy must reach its expert's rank, whichever route it takes; combine, whose
///     payload a strategy may shrink, is not counted).
/// The straggler bound (max over mean expert load per rank; Capacity-Aware Inference, s4.4 of
/// ../shared/reference/strategies.md) says how much of the compute bound is imbalance.

#include <string>

#include "cli/app/layer_simulation.h"
#include "models/bounds/resource_roofline.h"
#include "models/bounds/straggler_bound.h"

namespace moesim {

struct LayerBound {
  ResourceTimes step;        ///< seconds per resource
  StragglerBound straggler;  ///< of the selections each rank's experts served
  double achieved_s = 0;     ///< the forward's time
  double fraction() const { return achieved_s > 0 ? step.bound() / achieved_s : 0.0; }
};

/// The bound of a finished layer run.
LayerBound layer_bound(const LayerSimulation& sim);

/// Lines for summary.txt.
std::string format_layer_bound(const LayerBound& bound);

}  // namespace moesim
