#pragma once
/// The `calibrated` routing generator: SyntheticRouting built from the measured statistics of
/// one model on one text domain (traces/calibration/measured_routing.h).
///
/// - Popularity: at a measured layer (0, 7, 15) the first choice follows the measured top-1
///   loads and later choices the measured top-k minus top-1 loads, times a fitted factor per
///   expert (below). Any other layer reuses the nearest measured layer (ties to the earlier
///   one; Mixtral layers 16-31 reuse layer 15). Without top-1 rows (OLMoE Tulu) every choice
///   follows the top-k loads.
/// - Cross-layer: layer 7 depends on layer 0 and layer 15 on layer 7 through the measured
///   r-th-choice transitions: the first choice through the exact top-1 transition rows, later
///   choices through the top-k minus top-1 rows (pooled over r >= 1), times the same factors;
///   `strength` mixes them with the marginal. Other layers are independent.
/// - Fit: rejecting already-chosen experts lowers the load of experts that are often a
///   token's first choice, so a factor per expert and measured layer scales its later-choice
///   weight until the generated top-k loads match the measured ones: multiplicative updates
///   from `fit_tokens` generated tokens per iteration, drawn from a separate stream.

#include <memory>

#include "sim/rng.h"
#include "traces/calibration/measured_routing.h"
#include "traces/synthetic/synthetic_routing.h"

namespace moesim {

struct CalibratedRoutingOptions {
  double strength = 1.0;         ///< weight of the measured transitions, [0, 1]
  uint32_t fit_tokens = 16384;   ///< tokens per fit iteration
  uint32_t fit_iterations = 12;  ///< 0 disables the fit (factors 1)
};

/// The measured layer whose popularity `layer` uses.
uint32_t calibrated_anchor_layer(const MeasuredRouting& stats, uint32_t layer);

/// Tokens draw from `tokens`; the fit draws from `fit` (both must outlive the call; `tokens`
/// the generator).
std::unique_ptr<SyntheticRouting> make_calibrated_routing(const MeasuredRouting& stats,
                                                          const CalibratedRoutingOptions& options,
                                                          RngStream& tokens, RngStream& fit);

}  // namespace moesim
