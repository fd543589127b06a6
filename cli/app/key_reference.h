#pragma once
/// The scenario key registry in words: one key as `moesim explain KEY` prints it, one line per
/// key for block listings, and the Markdown page docs/scenario-keys.md
/// (`moesim explain --markdown`).

#include <string>

#include "cli/app/scenario_keys.h"

namespace moesim {

/// The key's path, then its type, default, unit and meaning on labelled lines.
std::string format_key_text(const ScenarioKey& key);

/// "  PATH  TYPE, default D: meaning" on one line.
std::string format_key_line(const ScenarioKey& key);

/// How a strategy section is written, in one sentence ("`strategies.dispatch: NAME` or
/// `strategies.dispatch: {name: NAME, PARAM: VALUE}`").
std::string strategy_section_form(const ScenarioKey& section);

/// The whole registry, with each strategy section's parameters from `catalog`, as the Markdown
/// page docs/scenario-keys.md.
std::string format_key_markdown(const ScenarioKeyRegistry& registry,
                                const StrategyCatalog& catalog);

}  // namespace moesim
