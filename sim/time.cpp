#include "sim/time.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

Time Time::from_seconds_ceil(double seconds) {
  if (std::isnan(seconds) || seconds < 0.0) {
    throw std::domain_error(fmt::format("duration must be a non-negative number, got {}", seconds));
  }
  // Decimal inputs such as 1e-9 s are not exact in binary and land a few ulps above the whole
  // picosecond they denote (1e-9 * 1e12 = 1000.0000000000001); within a relative 4 epsilons
  // of a whole number counts as that number, anything further above rounds up.
  const double exact = seconds * 1e12;
  const double nearest = std::round(exact);
  const double tolerance = 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, exact);
  double picos = std::fabs(exact - nearest) <= tolerance ? nearest : std::ceil(exact);
  if (seconds > 0.0 && picos < 1.0) picos = 1.0;  // positive work never takes zero time
  // 9.2e18 ps is the int64 limit (about 106 days).
  if (picos >= 9.2e18) {
    throw std::domain_error(
        fmt::format("duration of {} s exceeds the simulated time range", seconds));
  }
  return Time(static_cast<int64_t>(picos));
}

std::string Time::exact_microseconds() const {
  const char* sign = ps_ < 0 ? "-" : "";
  const uint64_t a = ps_ < 0 ? 0 - static_cast<uint64_t>(ps_) : static_cast<uint64_t>(ps_);
  return fmt::format("{}{}.{:06}", sign, a / 1'000'000, a % 1'000'000);
}

std::string Time::to_string() const {
  const double v = static_cast<double>(ps_);
  const double a = std::fabs(v);
  if (a >= 1e12) return fmt::format("{:.6g} s", v * 1e-12);
  if (a >= 1e9) return fmt::format("{:.6g} ms", v * 1e-9);
  if (a >= 1e6) return fmt::format("{:.6g} us", v * 1e-6);
  if (a >= 1e3) return fmt::format("{:.6g} ns", v * 1e-3);
  return fmt::format("{} ps", ps_);
}

}  // namespace moesim
