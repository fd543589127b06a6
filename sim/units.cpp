#include "sim/units.h"

#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>

namespace moesim {
namespace {

struct NumberAndUnit {
  double value;
  std::string_view unit;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail(std::string_view text, std::string_view what, std::string_view example,
                       std::string_view why) {
  throw UnitError(
      fmt::format("expected {} such as \"{}\", got \"{}\" ({})", what, example, text, why));
}

NumberAndUnit split(std::string_view text, std::string_view what, std::string_view example) {
  const std::string_view s = trim(text);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) fail(text, what, example, "number out of range");
  if (ec != std::errc() || end == s.data()) fail(text, what, example, "no number");
  if (!std::isfinite(value)) fail(text, what, example, "not a finite number");
  if (value < 0.0 || std::signbit(value)) fail(text, what, example, "negative");
  const std::string_view unit = trim(s.substr(static_cast<size_t>(end - s.data())));
  if (unit.empty()) fail(text, what, example, "missing unit");
  return {value, unit};
}

/// Splits a unit such as "GiB" into its prefix multiplier and the remaining base unit.
/// `allow_binary` enables Ki/Mi/Gi/Ti/Pi. Returns the multiplier, consumes the prefix.
double take_prefix(std::string_view& unit, bool allow_binary) {
  if (unit.size() < 2) return 1.0;
  const char p = unit.front();
  double decimal = 0.0;
  double binary = 0.0;
  switch (p) {
    case 'k':
    case 'K':
      decimal = 1e3;
      binary = 1024.0;
      break;
    case 'M':
      decimal = 1e6;
      binary = 1024.0 * 1024.0;
      break;
    case 'G':
      decimal = 1e9;
      binary = 1024.0 * 1024.0 * 1024.0;
      break;
    case 'T':
      decimal = 1e12;
      binary = 1024.0 * 1024.0 * 1024.0 * 1024.0;
      break;
    case 'P':
      decimal = 1e15;
      binary = 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0;
      break;
    default:
      return 1.0;
  }
  if (allow_binary && unit.size() >= 3 && unit[1] == 'i') {
    unit.remove_prefix(2);
    return binary;
  }
  unit.remove_prefix(1);
  return decimal;
}

/// Bytes per unit of a size unit ("B" -> 1, "b"/"bit" -> 1/8), or nullopt if unknown.
std::optional<double> size_unit(std::string_view base) {
  if (base == "B" || base == "byte" || base == "bytes") return 1.0;
  if (base == "b" || base == "bit" || base == "bits") return 0.125;
  return std::nullopt;
}

}  // namespace

Time parse_time(std::string_view text) {
  constexpr std::string_view kWhat = "a duration";
  constexpr std::string_view kExample = "2 us";
  const auto [value, unit] = split(text, kWhat, kExample);
  double scale = 0.0;
  if (unit == "s") {
    scale = 1.0;
  } else if (unit == "ms") {
    scale = 1e-3;
  } else if (unit == "us" || unit == "\u00b5s") {
    scale = 1e-6;
  } else if (unit == "ns") {
    scale = 1e-9;
  } else if (unit == "ps") {
    scale = 1e-12;
  } else {
    fail(text, kWhat, kExample, fmt::format("unknown unit \"{}\"; use s, ms, us, ns or ps", unit));
  }
  try {
    return Time::from_seconds_ceil(value * scale);
  } catch (const std::domain_error& e) {
    fail(text, kWhat, kExample, e.what());
  }
}

double parse_bytes(std::string_view text) {
  constexpr std::string_view kWhat = "a size";
  constexpr std::string_view kExample = "80 GiB";
  auto [value, unit] = split(text, kWhat, kExample);
  const double prefix = take_prefix(unit, true);
  const auto per_unit = size_unit(unit);
  if (!per_unit) {
    fail(text, kWhat, kExample, "unknown unit; use B, kB, MB, GB, TB or KiB, MiB, GiB, TiB");
  }
  return value * prefix * *per_unit;
}

double parse_bandwidth(std::string_view text) {
  constexpr std::string_view kWhat = "a bandwidth";
  constexpr std::string_view kExample = "900 GB/s";
  auto [value, unit] = split(text, kWhat, kExample);
  const double prefix = take_prefix(unit, true);
  std::optional<double> per_unit;
  if (unit == "bps") {
    per_unit = 0.125;
  } else if (unit.size() > 2 && unit.substr(unit.size() - 2) == "/s") {
    per_unit = size_unit(unit.substr(0, unit.size() - 2));
  }
  if (!per_unit) {
    fail(text, kWhat, kExample, "unknown unit; use B/s, GB/s, GiB/s, Gb/s or Gbps");
  }
  if (value == 0.0) fail(text, kWhat, kExample, "must be positive");
  return value * prefix * *per_unit;
}

double parse_flop_rate(std::string_view text) {
  constexpr std::string_view kWhat = "a compute rate";
  constexpr std::string_view kExample = "989 TFLOP/s";
  auto [value, unit] = split(text, kWhat, kExample);
  const double prefix = take_prefix(unit, false);
  if (unit != "FLOP/s" && unit != "FLOPS" && unit != "flop/s") {
    fail(text, kWhat, kExample, "unknown unit; use FLOP/s with a prefix, e.g. TFLOP/s");
  }
  if (value == 0.0) fail(text, kWhat, kExample, "must be positive");
  return value * prefix;
}

std::string format_bytes(double bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int i = 0;
  while (bytes >= 1024.0 && i < 5) {
    bytes /= 1024.0;
    ++i;
  }
  return fmt::format("{:.4g} {}", bytes, kUnits[i]);
}

std::string format_bandwidth(double bytes_per_second) {
  constexpr const char* kUnits[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s"};
  int i = 0;
  while (bytes_per_second >= 1000.0 && i < 5) {
    bytes_per_second /= 1000.0;
    ++i;
  }
  return fmt::format("{:.4g} {}", bytes_per_second, kUnits[i]);
}

}  // namespace moesim
