#include <iostream>

#include <fmt/format.h>

#include "cli/app/strategy_reference.h"
#include "cli/commands.h"
#include "cli/hardware_listing.h"
#include "cli/model_listing.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"

namespace moesim {

int list_command(const std::string& family, bool markdown) {
  if (markdown) {
    std::cout << format_strategy_markdown(builtin_strategies());
    return 0;
  }
  if (family == "hardware") {
    std::cout << format_hardware_listing(load_hardware_catalogue(default_catalogue_dir()));
    return 0;
  }
  if (family == "topology") {
    const HardwareCatalogue hardware = load_hardware_catalogue(default_catalogue_dir());
    std::cout << format_topology_listing(
        load_systems(default_catalogue_dir() / "systems.yaml", hardware));
    return 0;
  }
  if (family == "models") {
    std::cout << format_model_listing(load_model_catalogue(default_model_catalogue_dir()));
    return 0;
  }
  const StrategyCatalog catalog = builtin_strategies();
  bool any = false;
  std::vector<std::string> names;
  for (const FamilyInfo* f : catalog.families()) {
    names.push_back(f->name());
    if (!family.empty() && family != f->name()) continue;
    if (any) std::cout << '\n';
    std::cout << format_family_listing(*f);
    any = true;
  }
  if (!any) {
    throw ConfigError(
        fmt::format("list: unknown family '{}' (known: {}, hardware, topology, models)", family,
                    fmt::join(names, ", ")));
  }
  return 0;
}

}  // namespace moesim
