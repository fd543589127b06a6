#pragma once
/// Reads the hardware catalogue from a directory holding links.yaml, gpus.yaml and cpus.yaml
/// (schema in docs/hardware.md). The only YAML reader of topologies/.

#include <filesystem>

#include "topologies/hardware_catalogue.h"

namespace moesim {

/// The directory named by the environment variable MOESIM_CATALOGUE, or else the catalogue
/// shipped in the source tree (topologies/catalogue).
std::filesystem::path default_catalogue_dir();

/// Throws ConfigError ("file:line: key.path: message") for a missing file, an unknown key, a
/// bad quantity, or a GPU naming a link the catalogue does not have.
HardwareCatalogue load_hardware_catalogue(const std::filesystem::path& dir);

}  // namespace moesim
