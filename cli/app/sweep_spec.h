#pragma once
/// The `sweep:` block of a scenario (docs/scenario.md, "Sweeps"): axes, each a scenario key
/// path with the values it takes, and exclusions; expanded into the points of the sweep.

#include <cstdint>
#include <string>
#include <vector>

#include "cli/app/scenario_overrides.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// One axis: a key path as `--set` takes it, and its values as `--set` values (YAML text).
struct SweepAxis {
  std::string key;                  ///< "serving.tensor_parallel"
  std::vector<std::string> values;  ///< in the order written, ranges expanded
  int line = 0;                     ///< 1-based line of the key in the scenario file
};

/// A point dropped when it has every (axis, value) pair of the entry.
using SweepExclusion = std::vector<std::pair<size_t, std::string>>;  ///< (axis index, value)

struct SweepSpec {
  std::string scenario;  ///< path of the scenario file
  std::vector<SweepAxis> axes;
  std::vector<SweepExclusion> exclusions;
};

/// One point of the sweep: its place, identity and the overrides that make it.
struct SweepPoint {
  size_t index = 0;                 ///< 0-based position in the expansion (after exclusions)
  std::string id;                   ///< sweep_point_id of the values
  std::vector<std::string> values;  ///< one per axis, in axis order
  /// "--set key=value" per axis, for the child `moesim run` and for the loader's errors.
  std::vector<ScenarioOverride> overrides;
};

/// Reads the `sweep:` block of the scenario at `path`. ConfigError ("file:line:
/// sweep.axes.KEY: ...") for a missing or malformed block, an empty axis, an empty range, a
/// value given twice in one axis, or an exclusion naming a key that is not an axis.
SweepSpec read_sweep_spec(const std::string& path);

/// The cartesian product of the axes (axes in file order, the last axis fastest) less the
/// excluded points, each loaded as `moesim run --set` would load it so that an unknown key or a
/// unit that does not fit the key stops here (ConfigError naming the axis), not in a child run.
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec, const StrategyCatalog& catalog);

/// 12 hex digits: the low 48 bits of FNV-1a 64 over "key=value\n" for each axis, sorted by
/// key. It depends on the axis values only (not on the order of the axes, the other points or
/// the rest of the scenario), so the same values keep their folder when the sweep grows.
std::string sweep_point_id(const std::vector<SweepAxis>& axes,
                           const std::vector<std::string>& values);

}  // namespace moesim
