#include "cli/app/key_reference.h"

#include <fmt/format.h>

namespace moesim {
namespace {

/// A Markdown table cell: '|' escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string first_segment(const std::string& path) {
  return path.substr(0, path.find('.'));
}

std::string table_row(const ScenarioKey& k) {
  return fmt::format("| `{}` | {} | {} | {} | {} |\n", k.path, cell(k.type_text()),
                     cell(k.default_text), cell(k.unit), cell(k.description));
}

/// The parameters of one strategy section, one row per strategy that takes each.
std::string section_markdown(const ScenarioKey& section, const StrategyCatalog& catalog) {
  const FamilyInfo* family = family_named(catalog, section.family);
  std::string out = fmt::format("\n### `{}`: {} strategies\n\n{}\n", section.path, section.family,
                                strategy_section_form(section));
  if (family == nullptr) return out;
  const auto names = family->names();
  out += fmt::format("\nStrategies: `{}` (docs/strategies.md, \"{}\").\n", fmt::join(names, "`, `"),
                     family->name());
  std::string rows;
  if (!section.selector.empty()) {
    rows += fmt::format(
        "| `{}.{}` | any | choice, in {} | {} | names the strategy; the other keys are its "
        "parameters |\n",
        section.path, section.selector, cell(fmt::format("{}", fmt::join(names, " | "))),
        cell(section.default_text));
  }
  for (const StrategyInfo* s : family->strategies()) {
    for (const ParamSpec& p : s->params) {
      const std::string range = p.range_text();
      rows += fmt::format("| `{}.{}` | `{}` | {}{} | {} | {} |\n", section.path, p.name, s->name,
                          to_string(p.kind), range.empty() ? "" : cell(", in " + range),
                          cell(p.default_text()), cell(p.help));
    }
  }
  if (!rows.empty()) {
    out += "\n| key | strategy | type | default | meaning |\n|---|---|---|---|---|\n" + rows;
  }
  return out;
}

}  // namespace

std::string format_key_text(const ScenarioKey& k) {
  std::string out = fmt::format("{}\n  type:    {}\n", k.path, k.type_text());
  out += fmt::format("  default: {}\n", k.default_text);
  if (!k.unit.empty()) out += fmt::format("  unit:    {}\n", k.unit);
  out += fmt::format("  {}\n", k.description);
  if (k.type == KeyType::kStrategy) out += fmt::format("  {}\n", strategy_section_form(k));
  return out;
}

std::string format_key_line(const ScenarioKey& k) {
  return fmt::format("  {}  {}, default {}{}: {}\n", k.path, k.type_text(), k.default_text,
                     k.unit.empty() ? "" : " (" + k.unit + ")", k.description);
}

std::string strategy_section_form(const ScenarioKey& s) {
  if (s.selector.empty()) {
    return fmt::format(
        "Written `{}: {{PARAM: VALUE, ...}}`, or with no value for the defaults; "
        "the key's name is the strategy's.",
        s.path);
  }
  if (s.selector != "name") {
    return fmt::format(
        "Written `{}: {{{}: NAME, PARAM: VALUE, ...}}`: `{}` names the strategy, "
        "the other keys are its parameters.",
        s.path, s.selector, s.selector);
  }
  return fmt::format(
      "Written `{}: NAME` (parameters at their defaults) or `{}: {{name: NAME, "
      "PARAM: VALUE, ...}}`.",
      s.path, s.path);
}

std::string format_key_markdown(const ScenarioKeyRegistry& registry,
                                const StrategyCatalog& catalog) {
  std::string out =
      "# Scenario keys\n\n"
      "Generated from the scenario key registry (cli/app/scenario_keys.h, tables in\n"
      "cli/app/keys/) by `scripts/moesim explain --markdown > docs/scenario-keys.md`; a test\n"
      "fails when this page and the registry differ, and another when a loader reads a key the\n"
      "registry does not declare. `moesim explain KEY` prints one key, block or strategy.\n"
      "docs/scenario.md explains how a scenario is written; quantities carry their units there.\n\n"
      "In a path, `<name>` stands for any name (`hardware.link_overrides.<link>` is\n"
      "`hardware.link_overrides.nvlink4`), `<key path>` for any scenario key path, and `[]` for\n"
      "every element of a list. The keys of a strategy section are the parameters of the\n"
      "strategy it names, listed after the block's table (docs/strategies.md has the same\n"
      "parameters by family).\n";
  const auto header = "\n| key | type | default | unit | meaning |\n|---|---|---|---|---|\n";
  out += "\n## Top level\n" + std::string(header);
  std::vector<std::string> blocks;
  for (const ScenarioKey& k : registry.keys()) {
    if (k.path.find('.') != std::string::npos) continue;
    out += table_row(k);
    blocks.push_back(k.path);
  }
  for (const std::string& block : blocks) {
    std::string rows, sections;
    for (const ScenarioKey& k : registry.keys()) {
      if (first_segment(k.path) != block) continue;
      if (k.path != block) rows += table_row(k);
      if (k.type == KeyType::kStrategy) sections += section_markdown(k, catalog);
    }
    if (rows.empty() && sections.empty()) continue;
    out += fmt::format("\n## `{}`\n", block);
    if (!rows.empty()) out += header + rows;
    out += sections;
  }
  return out;
}

}  // namespace moesim
