#include "cli/app/key_explainer.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/app/key_reference.h"
#include "cli/app/strategy_reference.h"
#include "sim/config/edit_distance.h"

namespace moesim {
namespace {

/// "a.b.c" -> {"a", "b.c"}; no dot -> {"a", ""}.
std::pair<std::string, std::string> split_first(const std::string& path) {
  const size_t dot = path.find('.');
  if (dot == std::string::npos) return {path, ""};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

}  // namespace

std::optional<std::string> KeyExplainer::explain(const std::string& key) const {
  if (key.empty()) return std::nullopt;
  if (const ScenarioKey* declared = registry_.find(key)) {
    std::string out = explain_declared(*declared);
    // `bounds.belady`: the placeholder's name is the strategy's.
    const FamilyInfo* family = family_named(catalog_, declared->family);
    const std::string last = key.substr(key.rfind('.') + 1);
    if (declared->type == KeyType::kStrategy && declared->selector.empty() && family != nullptr &&
        family->find_info(last) != nullptr) {
      out += "\n" + explain_strategy(*family, *family->find_info(last));
    }
    return out;
  }
  if (const auto below = registry_.section_below(key)) {
    if (auto text = explain_in_section(*below, key)) return text;
  }
  return explain_strategy_name(key);
}

std::string KeyExplainer::explain_declared(const ScenarioKey& key) const {
  std::string out = format_key_text(key);
  if (key.type == KeyType::kStrategy) {
    if (const FamilyInfo* family = family_named(catalog_, key.family)) {
      out += fmt::format("\n{} strategies (`moesim explain {}.NAME` for one's parameters):\n",
                         family->name(), family->name());
      for (const StrategyInfo* s : family->strategies()) {
        out += fmt::format("  {:<24} {}\n", s->name, s->help);
      }
    }
    return out;
  }
  const auto children = registry_.children(key.path);
  if (!children.empty()) {
    out += "\nkeys:\n";
    for (const ScenarioKey* child : children) out += format_key_line(*child);
  }
  return out;
}

std::optional<std::string> KeyExplainer::explain_in_section(const SectionPath& below,
                                                            const std::string& key) const {
  const ScenarioKey& section = *below.section;
  const FamilyInfo* family = family_named(catalog_, section.family);
  if (family == nullptr) return std::nullopt;
  if (!section.selector.empty() && below.rest == section.selector) {
    return fmt::format(
        "{}.{}\n  type:    choice of {}\n  default: {}\n  Names the {} strategy of {}; the other "
        "keys of the block are its parameters.\n",
        section.path, section.selector, fmt::join(family->names(), " | "), section.default_text,
        family->name(), section.path);
  }
  if (const StrategyInfo* s = family->find_info(below.rest)) return explain_strategy(*family, *s);
  std::vector<const StrategyInfo*> takers = strategies_taking(*family, below.rest);
  if (section.selector.empty()) {
    // `bounds.belady.capacity`: the section's own key names the strategy.
    const std::string head = key.substr(0, key.size() - below.rest.size() - 1);
    const StrategyInfo* named = family->find_info(head.substr(head.rfind('.') + 1));
    std::erase_if(takers, [&](const StrategyInfo* s) { return s != named; });
  }
  return explain_parameter(*family, takers, below.rest, key);
}

std::optional<std::string> KeyExplainer::explain_strategy_name(const std::string& key) const {
  const auto [head, rest] = split_first(key);
  // FAMILY, FAMILY.NAME or FAMILY.NAME.PARAM.
  if (const FamilyInfo* family = family_named(catalog_, head)) {
    if (rest.empty()) return format_family_listing(*family);
    const auto [name, param] = split_first(rest);
    const StrategyInfo* s = family->find_info(name);
    if (s == nullptr) return std::nullopt;
    if (param.empty()) return explain_strategy(*family, *s);
    return explain_parameter(*family, {s}, param, key);
  }
  // NAME or NAME.PARAM, in every family that has a strategy of that name.
  std::string out;
  for (const FamilyInfo* family : catalog_.families()) {
    const StrategyInfo* s = family->find_info(head);
    if (s == nullptr) continue;
    if (rest.empty()) {
      out += (out.empty() ? "" : "\n") + explain_strategy(*family, *s);
    } else if (auto text = explain_parameter(*family, {s}, rest, key)) {
      out += (out.empty() ? "" : "\n") + *text;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string KeyExplainer::explain_strategy(const FamilyInfo& family, const StrategyInfo& s) const {
  std::string out = fmt::format("{} strategy {}\n  {}\n", family.name(), s.name, s.help);
  for (const ScenarioKey* section : sections_of(family)) {
    if (section->selector.empty()) {
      out += fmt::format("  chosen by: {}.{}\n", parent_key_path(section->path), s.name);
    } else if (section->selector == "name") {
      out += fmt::format("  chosen by: {}: {}\n", section->path, s.name);
    } else {
      out += fmt::format("  chosen by: {}: {{{}: {}}}\n", section->path, section->selector, s.name);
    }
  }
  if (s.params.empty()) return out + "  parameters: none\n";
  out += "  parameters:\n";
  for (const ParamSpec& p : s.params) out += fmt::format("    {}\n", format_param_text(p));
  return out;
}

std::optional<std::string> KeyExplainer::explain_parameter(
    const FamilyInfo& family, const std::vector<const StrategyInfo*>& takers,
    const std::string& param, const std::string& shown_path) const {
  std::string out;
  for (const StrategyInfo* s : takers) {
    for (const ParamSpec& p : s->params) {
      if (p.name != param && !p.name.starts_with(param + ".")) continue;
      if (out.empty()) out = shown_path + "\n";
      out += fmt::format("  {} {}: {}\n", family.name(), s->name, format_param_text(p));
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::vector<const ScenarioKey*> KeyExplainer::sections_of(const FamilyInfo& family) const {
  std::vector<const ScenarioKey*> out;
  for (const ScenarioKey& k : registry_.keys()) {
    if (k.type == KeyType::kStrategy && k.family == family.name()) out.push_back(&k);
  }
  return out;
}

std::vector<std::string> KeyExplainer::known_names() const {
  std::vector<std::string> names;
  for (const ScenarioKey& k : registry_.keys()) {
    names.push_back(k.path);
    if (k.type != KeyType::kStrategy) continue;
    const FamilyInfo* family = family_named(catalog_, k.family);
    if (family == nullptr) continue;
    if (!k.selector.empty()) names.push_back(k.path + "." + k.selector);
    for (const StrategyInfo* s : family->strategies()) {
      for (const ParamSpec& p : s->params) names.push_back(k.path + "." + p.name);
    }
  }
  for (const FamilyInfo* family : catalog_.families()) {
    names.push_back(family->name());
    for (const StrategyInfo* s : family->strategies()) {
      names.push_back(s->name);
      names.push_back(family->name() + "." + s->name);
      for (const ParamSpec& p : s->params) names.push_back(s->name + "." + p.name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> KeyExplainer::suggestions(const std::string& key, size_t count) const {
  std::vector<std::pair<size_t, std::string>> ranked;
  for (std::string& name : known_names()) {
    const size_t d = edit_distance(key, name);
    // Close enough to be a misspelling: at most 2 edits, or a third of the longer name.
    if (d <= std::max<size_t>(2, std::max(key.size(), name.size()) / 3)) {
      ranked.emplace_back(d, std::move(name));
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < ranked.size() && i < count; ++i) out.push_back(ranked[i].second);
  return out;
}

}  // namespace moesim
