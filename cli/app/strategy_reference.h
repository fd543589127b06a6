#pragma once
/// The strategy registry in words: `moesim list [FAMILY]` (text) and docs/strategies.md
/// (Markdown, `moesim list --markdown`), both generated from the strategies' declarations.

#include <string>

#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// One parameter: "name: type, default D, in RANGE: help".
std::string format_param_text(const ParamSpec& param);

/// One strategy: its name and help, then each parameter indented on its own line.
std::string format_strategy_listing(const StrategyInfo& strategy);

/// One family: its strategies, each parameter with its type, default, range and help.
std::string format_family_listing(const FamilyInfo& family);

/// The whole registry as the Markdown page docs/strategies.md.
std::string format_strategy_markdown(const StrategyCatalog& catalog);

}  // namespace moesim
