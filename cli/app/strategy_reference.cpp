#include "cli/app/strategy_reference.h"

#include <fmt/format.h>

namespace moesim {
namespace {

std::string type_text(const ParamSpec& p) {
  switch (p.kind) {
    case ParamKind::kTime:
      return "time (e.g. \"2 us\")";
    case ParamKind::kBandwidth:
      return "bandwidth (e.g. \"900 GB/s\")";
    case ParamKind::kBytes:
      return "bytes (e.g. \"80 GiB\")";
    default:
      return to_string(p.kind);
  }
}

/// A Markdown table cell: '|' escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string format_param_text(const ParamSpec& p) {
  const std::string range = p.range_text();
  return fmt::format("{}: {}, default {}{}: {}", p.name, type_text(p), p.default_text(),
                     range.empty() ? "" : ", in " + range, p.help);
}

std::string format_strategy_listing(const StrategyInfo& s) {
  std::string out = fmt::format("  {:<14} {}\n", s.name, s.help);
  for (const ParamSpec& p : s.params)
    out += fmt::format("  {:<14}   {}\n", "", format_param_text(p));
  return out;
}

std::string format_family_listing(const FamilyInfo& family) {
  std::string out = fmt::format("{}: {}\n", family.name(), family.help());
  const auto strategies = family.strategies();
  if (strategies.empty()) out += "  (none yet)\n";
  for (const StrategyInfo* s : strategies) out += format_strategy_listing(*s);
  return out;
}

std::string format_strategy_markdown(const StrategyCatalog& catalog) {
  std::string out =
      "# Strategies\n\n"
      "Generated from the strategy registry by `scripts/moesim list --markdown > "
      "docs/strategies.md`;\n"
      "a test fails when this page and the registry differ. Each strategy declares its\n"
      "parameters once (models/strategies/); the scenario loader, `moesim list`, the resolved\n"
      "config and this page all come from that declaration. A strategy is chosen by name\n"
      "(`placement: eplb`) or with parameters (`placement: {name: eplb, redundant: 16}`); see\n"
      "docs/scenario.md for where each family's key goes and docs/adding-a-strategy.md to add "
      "one.\n";
  for (const FamilyInfo* family : catalog.families()) {
    out += fmt::format("\n## {}\n\n{}.\n", family->name(), family->help());
    const auto strategies = family->strategies();
    if (strategies.empty()) out += "\nNone yet.\n";
    for (const StrategyInfo* s : strategies) {
      out += fmt::format("\n### `{}`\n\n{}.\n", s->name, s->help);
      if (s->params.empty()) continue;
      out += "\n| parameter | type | default | range | meaning |\n|---|---|---|---|---|\n";
      for (const ParamSpec& p : s->params) {
        out += fmt::format("| `{}` | {} | {} | {} | {} |\n", p.name, type_text(p),
                           cell(p.default_text()), cell(p.range_text()), cell(p.help));
      }
    }
  }
  return out;
}

}  // namespace moesim
