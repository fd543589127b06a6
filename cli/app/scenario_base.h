#pragma once
/// `base: FILE` in a scenario: the scenario starts from another scenario file (relative to the
/// file that names it) and overrides it key by key. Mappings merge recursively; a value or a
/// list in the scenario replaces the base's. A base may name its own base; a cycle is an error.
/// Keys that come from a base keep their origin for error messages ("base.yaml:12: key: ...").
/// Relative paths inside a base (request files, traces) resolve against the scenario that is
/// loaded, not against the base.

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/config/yaml_map.h"

namespace moesim {

/// The scenario at `path` with its bases merged in, without the `base` key; appends to
/// `origins` each key path that came from a base file with "FILE:LINE". Throws ConfigError for
/// an unreadable base, a `base` that is not a file name, or a cycle of bases.
YAML::Node load_with_base(const std::string& path, OverrideOrigins& origins);

}  // namespace moesim
