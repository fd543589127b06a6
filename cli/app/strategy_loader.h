#pragma once
/// Reads a strategy choice from a scenario: the strategy's name and its parameters, parsed and
/// checked from the strategy's own declaration (models/strategies/param_spec.h). Errors are
/// ConfigError "file:line: key.path: message": an unknown strategy, an unknown parameter (with
/// did-you-mean), a parameter of another strategy of the family, a wrong unit, a value out of
/// range, a missing required parameter, or what the strategy's own check refuses.

#include <string>

#include "models/strategies/strategy_family.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// `key: name` or `key: {name: NAME, PARAM: VALUE, ...}` in `m`; `fallback` when absent.
StrategyChoice read_strategy(YamlMap& m, const std::string& key, const FamilyInfo& family,
                             const std::string& fallback, const ParamCheckContext& context);

/// The name from `m[selector]` (or `fallback`) and the parameters from the other keys of `m`
/// (the `routing:` block). Finishes `m`.
StrategyChoice read_strategy_inline(YamlMap& m, const std::string& selector,
                                    const FamilyInfo& family, const std::string& fallback,
                                    const ParamCheckContext& context);

/// `name` with its defaults (for configs built in code). Throws ConfigError for an unknown
/// name or a strategy with a required parameter.
StrategyChoice default_strategy(const FamilyInfo& family, const std::string& name);

}  // namespace moesim
