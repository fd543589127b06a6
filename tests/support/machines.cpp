#include "support/machines.h"

#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

namespace moesim::test {

const HardwareCatalogue& shipped_catalogue() {
  static const HardwareCatalogue c = load_hardware_catalogue(source_path("topologies/catalogue"));
  return c;
}

BuiltSystem h100_nodes(uint32_t nodes, double oversubscription) {
  SystemConfig c;
  c.builder = nodes > 1 ? "multi_node" : "hgx";
  c.gpu = "H100-SXM";
  c.gpus = 8;
  c.nodes = nodes;
  c.nic_link = "infiniband_ndr";
  if (oversubscription > 0) {
    c.fabric = "fat_tree";
    c.oversubscription = oversubscription;
  }
  return build_system(c, shipped_catalogue());
}

}  // namespace moesim::test
