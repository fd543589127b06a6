#pragma once
/// One parameter of a strategy, declared once: its name, type (with the unit its values carry),
/// default, allowed range or choices and one line of help. The scenario loader's parsing and
/// checks, `moesim list`, the resolved config and docs/strategies.md are all derived from this
/// declaration (after ns-3's TypeId::AddAttribute with its checkers).

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/time.h"

namespace moesim {

enum class ParamKind {
  kUint,       ///< a whole number
  kDouble,     ///< a real number
  kBool,       ///< true or false
  kChoice,     ///< one of a fixed list of words
  kString,     ///< free text (a name)
  kPath,       ///< a file or folder, relative to the scenario file
  kTime,       ///< a duration with its unit ("2 us"); range in seconds
  kBandwidth,  ///< bytes per second with its unit ("900 GB/s"); range in B/s
  kBytes,      ///< a size with its unit ("80 GiB"); range in bytes
};

/// "whole number", "time", ... as `moesim list` and docs/strategies.md print it.
const char* to_string(ParamKind kind);

/// A parameter's value: uint64_t (kUint), double (kDouble, kBandwidth, kBytes), bool (kBool),
/// std::string (kChoice, kString, kPath) or Time (kTime).
using ParamValue = std::variant<uint64_t, double, bool, std::string, Time>;

struct ParamSpec {
  /// The key in the scenario; "a.b" is key b of the mapping a.
  std::string name;
  ParamKind kind = ParamKind::kDouble;
  std::string help;
  /// Absent: the parameter is required, unless `optional_default` explains what stands in.
  std::optional<ParamValue> default_value;
  /// For an optional parameter without a fixed default: what is used instead ("top_k").
  std::string optional_default;
  /// Numeric range, in the kind's base unit (seconds, B/s, bytes); `min_exclusive`: > min.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  /// kChoice: the allowed words.
  std::vector<std::string> choices;

  bool required() const { return !default_value && optional_default.empty(); }
  /// The default as a scenario would write it ("1.0", "2 us", "required", "top_k").
  std::string default_text() const;
  /// The allowed values ("[0, 10]", "(0, 1]", "uniform | zipf", "" when unrestricted).
  std::string range_text() const;
};

/// Declaration helpers: `param::real("skew", 1.0, "help").in(0, 10)`.
namespace param {

struct Builder {
  ParamSpec spec;
  Builder& in(double min, double max) {
    spec.min = min;
    spec.max = max;
    return *this;
  }
  /// (min, max]: strictly above min.
  Builder& above(double min, double max = std::numeric_limits<double>::infinity()) {
    spec.min = min;
    spec.max = max;
    spec.min_exclusive = true;
    return *this;
  }
  operator ParamSpec() const { return spec; }  // NOLINT: a builder reads as its spec
};

Builder whole(std::string name, uint64_t default_value, std::string help);
Builder real(std::string name, double default_value, std::string help);
Builder flag(std::string name, bool default_value, std::string help);
Builder choice(std::string name, std::string default_value, std::vector<std::string> choices,
               std::string help);
Builder text(std::string name, std::string help);  ///< required
Builder text(std::string name, std::string default_value, std::string help);
Builder path(std::string name, std::string help);  ///< required
Builder time(std::string name, Time default_value, std::string help);
Builder bandwidth(std::string name, double default_value, std::string help);
Builder bytes(std::string name, double default_value, std::string help);
/// An optional parameter of `kind` with no fixed default; `stands_in` says what is used.
Builder optional(std::string name, ParamKind kind, std::string stands_in, std::string help);

}  // namespace param

}  // namespace moesim
