#pragma once
/// The values of one strategy's parameters, as the scenario loader read and checked them
/// against the strategy's ParamSpecs (defaults filled in). A strategy's factory reads them by
/// name with the type it declared; asking for an undeclared name or another type is a bug in
/// the strategy, reported as std::logic_error.

#include <map>
#include <string>
#include <vector>

#include "models/strategies/param_spec.h"

namespace moesim {

/// "1.5", "2 us", "900 GB/s", "true": a value as a scenario would write it, reading back the
/// same.
std::string format_param_value(ParamKind kind, const ParamValue& value);

class Params {
 public:
  Params() = default;
  /// Every parameter with a default, set to it.
  explicit Params(const std::vector<ParamSpec>& specs);

  /// Sets a value the scenario gave (marks it given).
  void set(const ParamSpec& spec, ParamValue value);
  /// Replaces the value of a parameter that has one (a check normalising it, e.g. a path).
  void update(const std::string& name, ParamValue value);
  /// Drops a parameter that does not apply (so the resolved config does not show it).
  void erase(const std::string& name) { values_.erase(name); }
  /// Whether the parameter has a value (given, or a fixed default).
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  /// Whether the scenario gave it (not a default).
  bool given(const std::string& name) const;

  uint64_t whole(const std::string& name) const { return get<uint64_t>(name); }
  double real(const std::string& name) const { return get<double>(name); }
  bool flag(const std::string& name) const { return get<bool>(name); }
  const std::string& text(const std::string& name) const { return get<std::string>(name); }
  Time time(const std::string& name) const { return get<Time>(name); }

  /// Every value in declaration order, as text ("name" -> "2 us").
  std::vector<std::pair<std::string, std::string>> formatted() const;

 private:
  struct Entry {
    ParamKind kind;
    ParamValue value;
    bool given = false;
    size_t order = 0;
  };
  template <class T>
  const T& get(const std::string& name) const;

  std::map<std::string, Entry> values_;
  size_t next_order_ = 0;
};

}  // namespace moesim
