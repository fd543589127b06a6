#pragma once
/// Reads machines from YAML: the entries of topologies/catalogue/systems.yaml, and the
/// `hardware:` block of a scenario, which may name a systems.yaml entry and override its keys.
/// docs/hardware.md lists the keys.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

/// The entry names of systems.yaml in file order.
std::vector<std::string> system_names(const std::filesystem::path& file);

/// A system file: one machine's keys at the top level, as under a systems.yaml entry; the
/// machine is named after the file's stem. Throws ConfigError with file, line and key.
SystemConfig load_system_file(const std::filesystem::path& file,
                              const HardwareCatalogue& catalogue);

}  // namespace moesim
