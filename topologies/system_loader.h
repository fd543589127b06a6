#pragma once
/// Reads machines from YAML: the entries of topologies/catalogue/systems.yaml, and the
/// `hardware:` block of a scenario, which may name a systems.yaml entry and override its keys.
/// docs/hardware.md lists the keys.

#include <filesystem>
#include <map>
#include <string>

#include "sim/config/yaml_map.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/system_config.h"

namespace moesim {

/// Reads the system keys present in `m` into `config` (absent keys keep their values) and
/// checks catalogue references; does not call m.finish(), so callers may read more keys.
void read_system_keys(YamlMap& m, SystemConfig& config, const HardwareCatalogue& catalogue);

/// systems.yaml: name -> machine. Throws ConfigError with file, line and key.
std::map<std::string, SystemConfig> load_systems(const std::filesystem::path& file,
                                                 const HardwareCatalogue& catalogue);

}  // namespace moesim
