#include "traces/workload/arrival_times.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/workload/gamma_sampler.h"

namespace moesim {

ArrivalKind parse_arrival_kind(const std::string& name, const std::string& what) {
  if (name == "poisson") return ArrivalKind::poisson;
  if (name == "gamma") return ArrivalKind::gamma;
  if (name == "fixed") return ArrivalKind::fixed;
  throw ConfigError(fmt::format(
      "{}: unknown arrival process '{}', expected poisson, gamma or fixed", what, name));
}

std::vector<double> generate_arrival_times(const ArrivalSpec& spec, uint64_t count,
                                           RngStream& rng) {
  if (!(spec.rate > 0.0) || !std::isfinite(spec.rate)) {
    throw ConfigError(
        fmt::format("arrival rate: expected requests per second > 0, got {}", spec.rate));
  }
  if (spec.kind == ArrivalKind::gamma && (!(spec.cv > 0.0) || !std::isfinite(spec.cv))) {
    throw ConfigError(
        fmt::format("arrival cv: expected a coefficient of variation > 0, got {}", spec.cv));
  }
  // Gamma with shape k and scale theta has mean k*theta and CV 1/sqrt(k).
  const double shape = 1.0 / (spec.cv * spec.cv);
  const double scale = 1.0 / (spec.rate * shape);
  std::vector<double> times;
  times.reserve(count);
  double now = 0.0;
  for (uint64_t i = 0; i < count; ++i) {
    times.push_back(now);
    switch (spec.kind) {
      case ArrivalKind::poisson:
        now += rng.exponential(spec.rate);
        break;
      case ArrivalKind::gamma:
        now += sample_gamma(rng, shape, scale);
        break;
      case ArrivalKind::fixed:
        // Multiplying instead of summing keeps fixed arrivals free of accumulated rounding.
        now = static_cast<double>(i + 1) / spec.rate;
        break;
    }
  }
  return times;
}

}  // namespace moesim
