#pragma once
/// `moesim run --set key.path=value`: edits of a scenario's YAML tree made before the scenario
/// is loaded, so each value is checked exactly as the same value written in the file.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/config/yaml_map.h"

namespace moesim {

struct ScenarioOverride {
  std::string path;   ///< "hardware.gpu_overrides.memory"
  std::string value;  ///< parsed as YAML: "3", "40 GiB", "zipf"
  std::string text;   ///< as given, for errors: "--set seed=3"
};

/// Parses "key.path=value"; `option` names the option in errors and in `text` ("--set").
/// Throws ConfigError when there is no '=' or the path has an empty part.
ScenarioOverride parse_override(const std::string& option, const std::string& argument);

/// Sets each override into `root` in order: the value replaces what the path held, and
/// mappings missing on the way are created. A path through a single value or a list, or a
/// value that is not valid YAML, is a ConfigError naming the override.
void apply_overrides(YAML::Node& root, const std::vector<ScenarioOverride>& overrides);

/// The overrides of a command line: each `--set` argument in order, then `--seed N` as
/// `--set seed=N`. Throws ConfigError as parse_override.
std::vector<ScenarioOverride> command_line_overrides(const std::vector<std::string>& sets,
                                                     const std::optional<std::string>& seed);

/// The key paths the overrides set, for YamlMap's error messages.
std::shared_ptr<const OverrideOrigins> override_origins(
    const std::vector<ScenarioOverride>& overrides);

}  // namespace moesim
