#pragma once
/// The registry of strategies: every family, and for each implementation its name, a one-line
/// description, its parameters and a factory. Built as a plain object (no static
/// registration), so `moesim list` and the scenario loader see exactly what was added.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/cost_model/roofline.h"
#include "models/placement/placement.h"
#include "sim/config_error.h"
#include "sim/network_model.h"
#include "sim/rng.h"
#include "sim/simulator.h"
#include "traces/routing_generator.h"
#include "traces/routing_params.h"

namespace moesim {

struct StrategyParam {
  std::string name;
  std::string default_value;
  std::string description;
};

template <class Factory>
struct StrategyEntry {
  std::string name;
  std::string description;
  std::vector<StrategyParam> params;
  Factory make;
};

template <class Factory>
class StrategyFamily {
 public:
  StrategyFamily(std::string name, std::string description)
      : name_(std::move(name)), description_(std::move(description)) {}

  void add(StrategyEntry<Factory> entry) { entries_.push_back(std::move(entry)); }

  /// The entry with this name, or nullptr.
  const StrategyEntry<Factory>* find(const std::string& name) const {
    for (const auto& e : entries_) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }
  /// The entry with this name; ConfigError naming the known ones otherwise.
  const StrategyEntry<Factory>& at(const std::string& name) const {
    if (const auto* entry = find(name)) return *entry;
    throw ConfigError(
        fmt::format("unknown {} strategy '{}' (known: {})", name_, name, fmt::join(names(), ", ")));
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<StrategyEntry<Factory>>& entries() const { return entries_; }

 private:
  std::string name_;
  std::string description_;
  std::vector<StrategyEntry<Factory>> entries_;
};

using PlacementFactory = std::function<std::unique_ptr<PlacementStrategy>()>;
/// Each routing factory reads only its own generator's part of RoutingParams.
using RoutingFactory = std::function<std::unique_ptr<RoutingGenerator>(
    const RoutingShape&, const RoutingParams&, RngStreams&)>;
using CostModelFactory = std::function<std::unique_ptr<CostModel>(const RooflineConfig&)>;
using NetworkFactory = std::function<std::unique_ptr<NetworkModel>(Simulator&)>;

struct StrategyCatalog {
  StrategyFamily<PlacementFactory> placement{"placement", "which ranks hold which experts"};
  StrategyFamily<RoutingFactory> routing{"routing", "synthetic expert choices per token"};
  StrategyFamily<CostModelFactory> cost_model{"cost_model", "operator time on a device"};
  StrategyFamily<NetworkFactory> network{"network", "how concurrent flows share links"};
};

/// The catalogue with every built-in strategy.
StrategyCatalog builtin_strategies();

}  // namespace moesim
