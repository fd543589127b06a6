#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hardware_listing.h"
#include "cli/model_listing.h"
#include "models/model_card_loader.h"
#include "models/strategy_catalog.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"

namespace moesim {
namespace {

template <class Factory>
void print_family(const StrategyFamily<Factory>& family) {
  std::cout << fmt::format("{}: {}\n", family.name(), family.description());
  for (const auto& e : family.entries()) {
    std::cout << fmt::format("  {:<14} {}\n", e.name, e.description);
    for (const StrategyParam& p : e.params) {
      std::cout << fmt::format("  {:<14}   {} (default {}): {}\n", "", p.name, p.default_value,
                               p.description);
    }
  }
}

}  // namespace

int list_command(const std::string& family) {
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
  const StrategyCatalog c = builtin_strategies();
  bool any = false;
  auto maybe = [&](const auto& f) {
    if (family.empty() || family == f.name()) {
      if (any) std::cout << '\n';
      print_family(f);
      any = true;
    }
  };
  maybe(c.placement);
  maybe(c.routing);
  maybe(c.cost_model);
  maybe(c.network);
  if (!any) {
    throw ConfigError(
        fmt::format("list: unknown family '{}' (known: placement, routing, cost_model, network, "
                    "hardware, topology, models)",
                    family));
  }
  return 0;
}

}  // namespace moesim
