#pragma once
/// The specifications the synthetic and calibrated routing generators are built from
/// (traces/synthetic/routing_from_spec.h). Plain values: the routing strategies' factories
/// (models/strategies/routing/) fill them from their declared parameters, and `moesim trace
/// generate` from its options; the defaults here are the parameters' defaults.

#include <cstdint>
#include <optional>
#include <string>

namespace moesim {

enum class PopularityKind { uniform, zipf, dirichlet };

/// "uniform", "zipf" or "dirichlet".
const char* to_string(PopularityKind kind);
std::optional<PopularityKind> parse_popularity_kind(const std::string& text);

/// Tokens pick k experts with P(k) proportional to exp(theta k) on [min, max], theta set so
/// that the mean is `mean` (KDistribution::with_mean).
struct DynamicK {
  uint32_t min = 1;
  uint32_t max = 1;
  double mean = 1.0;
};

/// The zipf, dirichlet and synthetic generators (traces/synthetic/synthetic_routing.h).
struct SyntheticRoutingSpec {
  PopularityKind popularity = PopularityKind::uniform;
  double skew = 1.0;                      ///< Zipf exponent, >= 0
  double alpha = 1.0;                     ///< Dirichlet concentration, > 0
  uint64_t segment = 256;                 ///< tokens per Dirichlet popularity draw, >= 1
  double transition_strength = 0.0;       ///< share of choices from layer l-1's row, [0, 1]
  double transition_concentration = 0.1;  ///< Dirichlet concentration of the rows, > 0
  double temporal_reuse = 0.0;            ///< chance of repeating the request's last choice
  std::optional<DynamicK> k;              ///< absent: every token picks the model's top_k
};

/// The calibrated generator (traces/synthetic/calibrated_routing.h).
struct CalibratedRoutingSpec {
  std::string model;          ///< model whose measured statistics are used
  bool reshape = false;       ///< `like:`: map them onto the scenario's expert count and top_k
  std::string domain = "c4";  ///< text domain of the measurement
  double strength = 1.0;      ///< weight of the measured cross-layer transitions, [0, 1]
};

}  // namespace moesim
