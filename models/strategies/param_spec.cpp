#include "models/strategies/param_spec.h"

#include <cmath>

#include <fmt/format.h>

#include "models/strategies/params.h"
#include "sim/units.h"

namespace moesim {

const char* to_string(ParamKind kind) {
  switch (kind) {
    case ParamKind::kUint:
      return "whole number";
    case ParamKind::kDouble:
      return "number";
    case ParamKind::kBool:
      return "true/false";
    case ParamKind::kChoice:
      return "choice";
    case ParamKind::kString:
      return "name";
    case ParamKind::kPath:
      return "path";
    case ParamKind::kTime:
      return "time";
    case ParamKind::kBandwidth:
      return "bandwidth";
    case ParamKind::kBytes:
      return "bytes";
  }
  return "?";
}

std::string ParamSpec::default_text() const {
  if (default_value) return format_param_value(kind, *default_value);
  if (!optional_default.empty()) return optional_default;
  return "required";
}

namespace {

/// A range bound in the kind's unit, as a scenario would write it.
std::string bound_text(ParamKind kind, double v) {
  switch (kind) {
    case ParamKind::kTime:
      return format_param_value(kind, Time::from_seconds_ceil(v));
    case ParamKind::kBandwidth:
      return format_bandwidth(v);
    case ParamKind::kBytes:
      return format_bytes(v);
    default:
      return fmt::format("{}", v);
  }
}

}  // namespace

std::string ParamSpec::range_text() const {
  if (kind == ParamKind::kChoice) return fmt::format("{}", fmt::join(choices, " | "));
  const bool low = std::isfinite(min), high = std::isfinite(max);
  if (!low && !high) return "";
  const std::string lo = low ? bound_text(kind, min) : "-inf";
  const std::string hi = high ? bound_text(kind, max) : "inf";
  return fmt::format("{}{}, {}{}", min_exclusive ? '(' : '[', lo, hi, high ? ']' : ')');
}

namespace param {
namespace {

Builder make(std::string name, ParamKind kind, std::optional<ParamValue> value, std::string help) {
  Builder b;
  b.spec.name = std::move(name);
  b.spec.kind = kind;
  b.spec.default_value = std::move(value);
  b.spec.help = std::move(help);
  return b;
}

}  // namespace

Builder whole(std::string name, uint64_t default_value, std::string help) {
  return make(std::move(name), ParamKind::kUint, ParamValue{default_value}, std::move(help));
}
Builder real(std::string name, double default_value, std::string help) {
  return make(std::move(name), ParamKind::kDouble, ParamValue{default_value}, std::move(help));
}
Builder flag(std::string name, bool default_value, std::string help) {
  return make(std::move(name), ParamKind::kBool, ParamValue{default_value}, std::move(help));
}
Builder choice(std::string name, std::string default_value, std::vector<std::string> choices,
               std::string help) {
  Builder b = make(std::move(name), ParamKind::kChoice, ParamValue{std::move(default_value)},
                   std::move(help));
  b.spec.choices = std::move(choices);
  return b;
}
Builder text(std::string name, std::string help) {
  return make(std::move(name), ParamKind::kString, std::nullopt, std::move(help));
}
Builder text(std::string name, std::string default_value, std::string help) {
  return make(std::move(name), ParamKind::kString, ParamValue{std::move(default_value)},
              std::move(help));
}
Builder path(std::string name, std::string help) {
  return make(std::move(name), ParamKind::kPath, std::nullopt, std::move(help));
}
Builder time(std::string name, Time default_value, std::string help) {
  return make(std::move(name), ParamKind::kTime, ParamValue{default_value}, std::move(help));
}
Builder bandwidth(std::string name, double default_value, std::string help) {
  return make(std::move(name), ParamKind::kBandwidth, ParamValue{default_value}, std::move(help));
}
Builder bytes(std::string name, double default_value, std::string help) {
  return make(std::move(name), ParamKind::kBytes, ParamValue{default_value}, std::move(help));
}
Builder optional(std::string name, ParamKind kind, std::string stands_in, std::string help) {
  Builder b = make(std::move(name), kind, std::nullopt, std::move(help));
  b.spec.optional_default = std::move(stands_in);
  return b;
}

}  // namespace param
}  // namespace moesim
