#pragma once
/// `moesim list hardware` and `moesim list topology`: the catalogue as tables.

#include <map>
#include <string>

#include "topologies/hardware_catalogue.h"
#include "topologies/system_config.h"

namespace moesim {

std::string format_hardware_listing(const HardwareCatalogue& catalogue);

/// `moesim list topology`: the builders with their parameters, and the named systems.
std::string format_topology_listing(const std::map<std::string, SystemConfig>& systems);

}  // namespace moesim
