#include "cli/app/sweep_spec.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/app/scenario_base.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/sweep_axis_values.h"
#include "sim/config/key_read_observer.h"
#include "sim/config/yaml_map.h"
#include "sim/config_error.h"
#include "sim/rng.h"

namespace moesim {
namespace {

/// The most points a sweep may have after exclusions.
constexpr size_t kMaxPoints = 100000;

int line_of(const YAML::Node& node) {
  return node.Mark().line + 1;
}

std::string axis_list(const std::vector<SweepAxis>& axes) {
  std::string list;
  for (const SweepAxis& a : axes) list += (list.empty() ? "" : ", ") + a.key;
  return list;
}

std::vector<SweepExclusion> read_exclusions(const YAML::Node& node, const std::string& file,
                                            const std::vector<SweepAxis>& axes) {
  std::vector<SweepExclusion> exclusions;
  if (!node.IsSequence()) {
    throw ConfigError(
        fmt::format("{}:{}: sweep.exclude: expected a list of mappings of axis "
                    "values, such as - {{routing.generator: zipf}}",
                    file, line_of(node)));
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string where = fmt::format("{}:{}: sweep.exclude[{}]", file, line_of(entry), i);
    if (!entry.IsMap() || entry.size() == 0) {
      throw ConfigError(fmt::format("{}: expected a mapping of axis keys to values", where));
    }
    SweepExclusion exclusion;
    for (const auto& kv : entry) {
      const std::string key = kv.first.Scalar();
      if (KeyReadObserver::active()) {
        KeyReadObserver::notify(file, fmt::format("sweep.exclude[{}].{}", i, key));
      }
      const auto axis =
          std::find_if(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.key == key; });
      if (axis == axes.end()) {
        throw ConfigError(fmt::format("{}: {}: not an axis of the sweep (axes: {})", where, key,
                                      axis_list(axes)));
      }
      if (!kv.second.IsScalar()) {
        throw ConfigError(fmt::format("{}: {}: expected a single value", where, key));
      }
      exclusion.emplace_back(static_cast<size_t>(axis - axes.begin()), kv.second.Scalar());
    }
    exclusions.push_back(std::move(exclusion));
  }
  return exclusions;
}

bool excluded(const std::vector<SweepExclusion>& exclusions,
              const std::vector<std::string>& values) {
  return std::any_of(exclusions.begin(), exclusions.end(), [&](const SweepExclusion& e) {
    return std::all_of(e.begin(), e.end(),
                       [&](const auto& pair) { return values[pair.first] == pair.second; });
  });
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  // With its base chain merged, as the run loads it: a block may come from a base.
  OverrideOrigins inherited;
  const YAML::Node root = load_with_base(path, inherited);
  const YAML::Node sweep = root.IsMap() ? root["sweep"] : YAML::Node();
  if (!sweep.IsDefined() || sweep.IsNull()) {
    throw ConfigError(
        fmt::format("{}: sweep: expected a `sweep:` block with `axes:` (see "
                    "docs/scenario.md, \"Sweeps\")",
                    path));
  }
  if (!sweep.IsMap()) {
    throw ConfigError(fmt::format("{}:{}: sweep: expected a mapping with axes and exclude", path,
                                  line_of(sweep)));
  }
  SweepSpec spec;
  spec.scenario = path;
  for (const auto& kv : sweep) {
    const std::string key = kv.first.Scalar();
    if (key != "axes" && key != "exclude") {
      throw ConfigError(fmt::format("{}:{}: sweep.{}: unknown key (expected axes or exclude)", path,
                                    line_of(kv.first), key));
    }
  }
  KeyReadObserver::notify(path, "sweep.axes");
  KeyReadObserver::notify(path, "sweep.exclude");
  const YAML::Node axes = sweep["axes"];
  if (!axes.IsDefined() || !axes.IsMap() || axes.size() == 0) {
    throw ConfigError(fmt::format("{}:{}: sweep.axes: expected a mapping of key paths to values",
                                  path, line_of(axes.IsDefined() ? axes : sweep)));
  }
  for (const auto& kv : axes) {
    SweepAxis axis;
    axis.key = kv.first.Scalar();
    axis.line = line_of(kv.first);
    if (KeyReadObserver::active()) KeyReadObserver::notify(path, "sweep.axes." + axis.key);
    const std::string where = fmt::format("{}:{}: sweep.axes.{}", path, axis.line, axis.key);
    // The key is checked as `--set` checks it: names separated by '.'.
    parse_override(where + ":", axis.key + "=0");
    axis.values = parse_axis_values(kv.second, where);
    // Two equal values would be two points with one id, run into one folder.
    for (size_t i = 0; i < axis.values.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (axis.values[i] == axis.values[j]) {
          throw ConfigError(
              fmt::format("{}: the value \"{}\" is given twice", where, axis.values[i]));
        }
      }
    }
    for (const SweepAxis& other : spec.axes) {
      if (other.key == axis.key)
        throw ConfigError(fmt::format("{}: the axis is given twice", where));
    }
    spec.axes.push_back(std::move(axis));
  }
  if (sweep["exclude"].IsDefined()) {
    spec.exclusions = read_exclusions(sweep["exclude"], path, spec.axes);
  }
  return spec;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec, const StrategyCatalog& catalog) {
  std::vector<SweepPoint> points;
  std::vector<size_t> digit(spec.axes.size(), 0);  // the current value of each axis
  while (true) {
    std::vector<std::string> values;
    for (size_t a = 0; a < spec.axes.size(); ++a) values.push_back(spec.axes[a].values[digit[a]]);
    if (!excluded(spec.exclusions, values)) {
      if (points.size() == kMaxPoints) {
        throw ConfigError(fmt::format("{}: sweep: more than {} points", spec.scenario, kMaxPoints));
      }
      SweepPoint point;
      point.index = points.size();
      point.id = sweep_point_id(spec.axes, values);
      for (size_t a = 0; a < spec.axes.size(); ++a) {
        const SweepAxis& axis = spec.axes[a];
        point.overrides.push_back({axis.key, values[a],
                                   fmt::format("{}:{}: sweep axis {}={}", spec.scenario, axis.line,
                                               axis.key, values[a])});
      }
      point.values = std::move(values);
      points.push_back(std::move(point));
    }
    // The last axis turns fastest.
    size_t a = spec.axes.size();
    while (a > 0 && ++digit[a - 1] == spec.axes[a - 1].values.size()) digit[--a] = 0;
    if (a == 0) break;
  }
  // Each point is loaded as its child run will load it: errors name the axis that set the key.
  for (const SweepPoint& point : points) load_scenario(spec.scenario, catalog, point.overrides);
  return points;
}

std::string sweep_point_id(const std::vector<SweepAxis>& axes,
                           const std::vector<std::string>& values) {
  std::vector<std::string> lines;
  for (size_t a = 0; a < axes.size(); ++a) lines.push_back(axes[a].key + "=" + values[a] + "\n");
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const std::string& line : lines) text += line;
  return fmt::format("{:012x}", fnv1a64(text) & 0xffffffffffffULL);
}

}  // namespace moesim
