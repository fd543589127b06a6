#include <iostream>

#include <fmt/format.h>

#include "cli/app/key_explainer.h"
#include "cli/app/key_reference.h"
#include "cli/commands.h"
#include "sim/config_error.h"

namespace moesim {

int explain_command(const std::string& key, bool markdown) {
  const ScenarioKeyRegistry registry;
  const StrategyCatalog catalog = builtin_strategies();
  if (markdown) {
    if (!key.empty()) throw ConfigError("explain: give a KEY or --markdown, not both");
    std::cout << format_key_markdown(registry, catalog);
    return 0;
  }
  if (key.empty()) {
    throw ConfigError(
        "explain: give a scenario key, block or strategy (such as serving.max_num_seqs, "
        "serving, deepep_normal), or --markdown");
  }
  const KeyExplainer explainer(registry, catalog);
  if (const auto text = explainer.explain(key)) {
    std::cout << *text;
    return 0;
  }
  const auto close = explainer.suggestions(key);
  throw ConfigError(fmt::format("explain: unknown key '{}'{}", key,
                                close.empty()
                                    ? std::string(" (see `moesim explain --markdown`)")
                                    : fmt::format(" (did you mean {}?)", fmt::join(close, ", "))));
}

}  // namespace moesim
