#pragma once
/// The values one sweep axis takes, from the forms docs/scenario.md ("Sweeps") lists: a YAML
/// list, a comma list "1, 4, 16", "choice(a, b)", or "range(START, STOP, STEP)" with an
/// optional unit.

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace moesim {

/// The most values one range may expand to, so that a typo in a step cannot make a sweep of
/// millions of points.
inline constexpr size_t kMaxRangeValues = 10000;

/// The axis's values as `--set` value texts. `where` ("file:line: sweep.axes.KEY") starts every
/// ConfigError: an empty axis or item, a value that is not a single value, an empty range
/// (START > STOP or STEP <= 0), or a range whose three parts have different units.
std::vector<std::string> parse_axis_values(const YAML::Node& node, const std::string& where);

/// "range(START, STOP, STEP)": START, START + STEP, ... up to STOP, which is included when it
/// lands on it (within 1e-9 of a step). Each part is a number with an optional unit that must be
/// the same in all three ("100 GB/s"); the values keep that unit and are written with up to 15
/// significant digits ("300 GB/s").
std::vector<std::string> expand_range(const std::string& arguments, const std::string& where);

}  // namespace moesim
