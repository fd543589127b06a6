#pragma once
/// A serving run read against its hardware limit (models/bounds/serving_roofline_bound.h):
/// the deployment, request mix and batch limits of a built ServingRun, the bound on its output
/// throughput and on its mean engine step, and what the run achieved as a fraction of each.

#include <string>

#include "cli/app/serving_run.h"
#include "models/bounds/serving_roofline_bound.h"

namespace moesim {

ServingDeployment serving_deployment(const ServingRun& run);
/// From the run's requests (their lengths; arrivals for an open loop).
RequestMix request_mix(const ServingRun& run);
BatchLimits batch_limits(const ServingRun& run);

/// The bound of a built run; achieved figures once it has run.
struct RunBound {
  ServingBound throughput;
  /// Lower bound of the mean engine step: the mean step's work (the run's tokens over its
  /// steps) at the hardware limit; valid because a step's bound is convex in its work.
  ResourceTimes mean_step;
  double achieved_tokens_per_s = 0;    ///< 0 before the run
  double achieved_step_s = 0;          ///< mean busy time per engine step; 0 before the run
  double throughput_fraction() const;  ///< achieved / bound
  double step_fraction() const;        ///< bound / achieved (1 at the hardware limit)
};

/// The bound of `run`; with `finished`, the achieved figures and the mean step too.
RunBound run_bound(const ServingRun& run, bool finished);

/// Lines for summary.txt and `moesim bound`.
std::string format_run_bound(const RunBound& bound);

}  // namespace moesim
