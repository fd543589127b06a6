#pragma once
// Machines the tests build from the shipped hardware catalogue.

#include <cstdint>

#include "topologies/hardware_catalogue.h"
#include "topologies/system_config.h"

namespace moesim::test {

/// topologies/catalogue, loaded once.
const HardwareCatalogue& shipped_catalogue();

/// `nodes` HGX H100 nodes of 8 GPUs (one node: an HGX box) with NDR InfiniBand NICs on rails,
/// or on a fat tree oversubscribed `oversubscription` to 1 when that is above 0.
BuiltSystem h100_nodes(uint32_t nodes, double oversubscription = 0);

}  // namespace moesim::test
