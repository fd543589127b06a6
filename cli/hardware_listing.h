#pragma once
/// `moesim list hardware`: the catalogue as tables of GPUs, CPUs and links with their sources.

#include <string>

#include "topologies/hardware_catalogue.h"

namespace moesim {

std::string format_hardware_listing(const HardwareCatalogue& catalogue);

}  // namespace moesim
