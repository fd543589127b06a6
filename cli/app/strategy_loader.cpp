#include "cli/app/strategy_loader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace moesim {
namespace {

std::string head_of(const std::string& name) {
  return name.substr(0, name.find('.'));
}

/// One value of `spec.kind` at `key` of `m`, in range.
ParamValue read_value(YamlMap& m, const std::string& key, const ParamSpec& spec) {
  const auto in_range = [&](double v, const std::string& shown) {
    const bool low = spec.min_exclusive ? v <= spec.min : v < spec.min;
    if (low || v > spec.max) {
      m.fail(key, fmt::format("must be in {}, got {}", spec.range_text(), shown));
    }
  };
  switch (spec.kind) {
    case ParamKind::kUint: {
      const uint64_t lo = std::isfinite(spec.min) ? static_cast<uint64_t>(std::ceil(spec.min)) : 0;
      const uint64_t hi = std::isfinite(spec.max) ? static_cast<uint64_t>(spec.max)
                                                  : std::numeric_limits<uint64_t>::max();
      return m.get_uint(key, lo, hi);
    }
    case ParamKind::kDouble: {
      const double v = m.get_double(key, -std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::max());
      in_range(v, fmt::format("{}", v));
      return v;
    }
    case ParamKind::kBool:
      return m.get_bool(key);
    case ParamKind::kChoice: {
      const std::string v = m.get_string(key);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
        m.fail(key, fmt::format("expected {}, got \"{}\"", spec.range_text(), v));
      }
      return v;
    }
    case ParamKind::kString:
      return m.get_string(key);
    case ParamKind::kPath: {
      const std::filesystem::path given = m.get_string(key);
      if (given.empty()) m.fail(key, "expected a path");
      const std::filesystem::path file =
          given.is_absolute() ? given : std::filesystem::path(m.file()).parent_path() / given;
      return std::filesystem::absolute(file).lexically_normal().string();
    }
    case ParamKind::kTime: {
      const Time t = m.get_time(key);
      in_range(t.seconds(), format_param_value(spec.kind, t));
      return t;
    }
    case ParamKind::kBandwidth: {
      const double v = m.get_bandwidth(key);
      in_range(v, format_param_value(spec.kind, v));
      return v;
    }
    case ParamKind::kBytes: {
      const double v = m.get_bytes(key);
      in_range(v, format_param_value(spec.kind, v));
      return v;
    }
  }
  m.fail(key, "unsupported parameter kind");
}

/// The parameters whose names start with `prefix` ("" at the top), read from `m` where the
/// rest of their name is one key, or a mapping for the next component.
void read_level(YamlMap& m, const StrategyInfo& s, const std::string& prefix, Params& values) {
  std::vector<std::string> groups;
  for (const ParamSpec& spec : s.params) {
    if (!spec.name.starts_with(prefix)) continue;
    const std::string rest = spec.name.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos) {
      if (m.has(rest)) values.set(spec, read_value(m, rest, spec));
    } else if (std::find(groups.begin(), groups.end(), rest.substr(0, dot)) == groups.end()) {
      groups.push_back(rest.substr(0, dot));
    }
  }
  for (const std::string& group : groups) {
    if (!m.has(group)) continue;
    YamlMap sub = m.get_map(group);
    read_level(sub, s, prefix + group + ".", values);
    sub.finish();
  }
}

/// A key naming another strategy's parameter gets a clearer error than "unknown key".
void reject_foreign(YamlMap& m, const StrategyInfo& s, const FamilyInfo& family,
                    const std::string& selector) {
  for (const std::string& key : m.keys()) {
    if (key == selector) continue;
    const auto named = [&](const ParamSpec& p) { return head_of(p.name) == key; };
    if (std::any_of(s.params.begin(), s.params.end(), named)) continue;
    for (const StrategyInfo* other : family.strategies()) {
      if (std::any_of(other->params.begin(), other->params.end(), named)) {
        m.fail(key, fmt::format("not a parameter of {} {} ({} takes it; see `moesim list {}`)",
                                family.name(), s.name, other->name, family.name()));
      }
    }
  }
}

const StrategyInfo& strategy_named(YamlMap& m, const std::string& key, const FamilyInfo& family,
                                   const std::string& name) {
  const StrategyInfo* s = family.find_info(name);
  if (s == nullptr) m.fail(key, family.unknown_message(name));
  return *s;
}

/// The strategy's parameters from `m` (whose key `selector` holds the name), then its check.
Params read_params(YamlMap& m, const std::string& selector, const FamilyInfo& family,
                   const StrategyInfo& s, const ParamCheckContext& context) {
  reject_foreign(m, s, family, selector);
  Params values(s.params);
  read_level(m, s, "", values);
  for (const ParamSpec& spec : s.params) {
    if (spec.required() && !values.has(spec.name)) {
      m.fail_here(fmt::format("{} {} needs '{}': {} (or choose another {}: {})", family.name(),
                              s.name, spec.name, spec.help, family.name(),
                              fmt::join(family.names(), ", ")));
    }
  }
  if (s.check) {
    try {
      s.check(values, context);
    } catch (const ParamError& e) {
      const std::string key = head_of(e.key());
      if (!key.empty() && m.has(key)) m.fail(key, e.what());
      m.fail_here(e.what());
    }
  }
  m.finish();
  return values;
}

}  // namespace

StrategyChoice read_strategy(YamlMap& m, const std::string& key, const FamilyInfo& family,
                             const std::string& fallback, const ParamCheckContext& context) {
  if (m.holds_map(key)) {
    YamlMap sub = m.get_map(key);
    const std::string name = sub.has("name") ? sub.get_string("name") : fallback;
    const StrategyInfo& s = strategy_named(sub, "name", family, name);
    return {name, read_params(sub, "name", family, s, context)};
  }
  // `key: name`, or the fallback when absent: every parameter at its default.
  const bool given = m.has(key);
  const std::string name = given ? m.get_string(key) : fallback;
  const StrategyInfo& s = strategy_named(m, key, family, name);
  const auto fail = [&](const std::string& message) {
    if (given) m.fail(key, message);
    m.fail_here(fmt::format("{}: {}", key, message));
  };
  for (const ParamSpec& spec : s.params) {
    if (spec.required()) {
      fail(
          fmt::format("{} {} needs '{}' ({}): write {}: {{name: {}, {}: ...}}, or choose "
                      "another of: {}",
                      family.name(), name, spec.name, spec.help, key, name, spec.name,
                      fmt::join(family.names(), ", ")));
    }
  }
  Params values(s.params);
  if (s.check) {
    try {
      s.check(values, context);
    } catch (const ParamError& e) {
      fail(e.what());
    }
  }
  return {name, std::move(values)};
}

StrategyChoice read_strategy_inline(YamlMap& m, const std::string& selector,
                                    const FamilyInfo& family, const std::string& fallback,
                                    const ParamCheckContext& context) {
  // An empty selector: the name is the fallback (a key naming the strategy, as under bounds).
  const std::string name = !selector.empty() && m.has(selector) ? m.get_string(selector) : fallback;
  const StrategyInfo& s = strategy_named(m, selector, family, name);
  return {name, read_params(m, selector, family, s, context)};
}

StrategyChoice default_strategy(const FamilyInfo& family, const std::string& name) {
  const StrategyInfo* s = family.find_info(name);
  if (s == nullptr) throw ConfigError(family.unknown_message(name));
  for (const ParamSpec& spec : s->params) {
    if (spec.required()) {
      throw ConfigError(fmt::format("{} {} needs '{}'", family.name(), name, spec.name));
    }
  }
  return {name, Params(s->params)};
}

}  // namespace moesim
