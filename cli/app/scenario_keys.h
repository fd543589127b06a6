#pragma once
/// The registry of scenario keys: every key a scenario file may hold, declared once with its
/// type, default, unit and meaning (tables in cli/app/keys/, one file per block). Blocks whose
/// keys are a strategy's parameters are declared as strategy sections; their parameters come
/// from the strategy registry (models/strategies/strategy_catalog.h). `moesim explain` and
/// docs/scenario-keys.md are generated from it; tests/test_scenario_keys.cpp checks that it
/// declares every key the loaders read.

#include <optional>
#include <string>
#include <vector>

#include "cli/app/scenario_key.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// A path below a strategy section: the section, and the rest of the path after it.
struct SectionPath {
  const ScenarioKey* section = nullptr;
  std::string rest;  ///< "sms", "name", "per_operator.router"
};

class ScenarioKeyRegistry {
 public:
  ScenarioKeyRegistry();

  /// Every declared key, block by block in the order of docs/scenario-keys.md.
  const std::vector<ScenarioKey>& keys() const { return keys_; }

  /// The declared key that `path` names: `<name>` segments match any name, `<key path>` the
  /// rest of the path, `[]` any list index ("nodes[3]") or none ("nodes"). Literal matches
  /// win over placeholder ones; nullptr if none.
  const ScenarioKey* find(const std::string& path) const;

  /// The strategy section `path` lies strictly below, with the rest of the path.
  std::optional<SectionPath> section_below(const std::string& path) const;

  /// Whether `path` is declared: a key of the tables, or below a strategy section its
  /// selector, a parameter of one of its family's strategies, or a mapping on the way to one.
  bool declares(const std::string& path, const StrategyCatalog& catalog) const;

  /// The declared keys one level below `block` (a declared path; "" for the top level).
  std::vector<const ScenarioKey*> children(const std::string& block) const;

 private:
  std::vector<ScenarioKey> keys_;
};

/// The declared path one level up: "hardware.graph" for "hardware.graph.nodes[].name".
std::string parent_key_path(const std::string& path);

/// The family of the strategy registry named `name`, or nullptr.
const FamilyInfo* family_named(const StrategyCatalog& catalog, const std::string& name);

/// The strategies of `family` that take parameter `param`, or have a parameter below the
/// mapping `param` ("per_operator.router").
std::vector<const StrategyInfo*> strategies_taking(const FamilyInfo& family,
                                                   const std::string& param);

}  // namespace moesim
