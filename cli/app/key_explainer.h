#pragma once
/// `moesim explain KEY`: finds what KEY names and says it in words. KEY may be a scenario key
/// (`serving.max_num_seqs`, `hardware.link_overrides.nvlink4.bandwidth`), a block (`serving`:
/// its keys one per line), a strategy section (`strategies.dispatch`: the family's strategies),
/// a strategy (`deepep_normal`, `dispatch.deepep_normal`) or a strategy parameter
/// (`strategies.dispatch.sms`, `deepep_normal.sms`).

#include <optional>
#include <string>
#include <vector>

#include "cli/app/scenario_keys.h"

namespace moesim {

class KeyExplainer {
 public:
  KeyExplainer(const ScenarioKeyRegistry& registry, const StrategyCatalog& catalog)
      : registry_(registry), catalog_(catalog) {}

  /// The explanation of `key`, or nothing when it names nothing.
  std::optional<std::string> explain(const std::string& key) const;

  /// Up to `count` names closest to `key` (edit distance), close enough to be a misspelling.
  std::vector<std::string> suggestions(const std::string& key, size_t count = 3) const;

 private:
  std::string explain_declared(const ScenarioKey& key) const;
  std::optional<std::string> explain_in_section(const SectionPath& below,
                                                const std::string& key) const;
  std::optional<std::string> explain_strategy_name(const std::string& key) const;
  std::string explain_strategy(const FamilyInfo& family, const StrategyInfo& strategy) const;
  std::optional<std::string> explain_parameter(const FamilyInfo& family,
                                               const std::vector<const StrategyInfo*>& takers,
                                               const std::string& param,
                                               const std::string& shown_path) const;
  /// The sections where `family`'s strategies are chosen ("strategies.dispatch").
  std::vector<const ScenarioKey*> sections_of(const FamilyInfo& family) const;
  /// Every name explain() knows, for suggestions.
  std::vector<std::string> known_names() const;

  const ScenarioKeyRegistry& registry_;
  const StrategyCatalog& catalog_;
};

}  // namespace moesim
