#pragma once
/// Arrival processes of generated workloads: Poisson, gamma (bursty) and fixed-rate.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace moesim {

enum class ArrivalKind : uint8_t { poisson, gamma, fixed };

struct ArrivalSpec {
  ArrivalKind kind = ArrivalKind::poisson;
  double rate = 1.0;  ///< mean requests per second, > 0
  /// gamma only: coefficient of variation of the inter-arrival gaps (std / mean), > 0.
  /// 1 has the variability of Poisson, above 1 is burstier, below 1 more regular.
  double cv = 1.0;
};

/// "poisson", "gamma" or "fixed"; throws ConfigError naming `what` and the accepted names.
ArrivalKind parse_arrival_kind(const std::string& name, const std::string& what);

/// `count` arrival times in seconds, non-decreasing, the first at 0: the gaps between
/// consecutive requests are exponential (poisson), Gamma(1/cv^2, cv^2/rate) (gamma, mean
/// 1/rate) or exactly 1/rate (fixed). Throws ConfigError for a rate or cv that is not > 0.
std::vector<double> generate_arrival_times(const ArrivalSpec& spec, uint64_t count, RngStream& rng);

}  // namespace moesim
