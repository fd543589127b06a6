#pragma once
/// Gamma deviates for bursty inter-arrival times, written by hand so draws match across standard
/// libraries (see sim/rng.h).

#include "sim/rng.h"

namespace moesim {

/// A Gamma(shape, scale) deviate (mean shape * scale) by Marsaglia and Tsang, "A simple method
/// for generating gamma variables", ACM TOMS 26(3), 2000. For shape < 1 it draws
/// Gamma(shape + 1) and multiplies by U^(1/shape) (same paper, section 6).
/// Throws std::invalid_argument unless shape > 0 and scale > 0.
double sample_gamma(RngStream& rng, double shape, double scale);

}  // namespace moesim
