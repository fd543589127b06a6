#include "cli/app/scenario_keys.h"

#include <algorithm>

#include "cli/app/keys/key_blocks.h"

namespace moesim {
namespace {

std::vector<std::string> segments_of(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '<' && segment.back() == '>';
}

/// "nodes[3]" -> "nodes[]"; other segments unchanged.
std::string without_index(const std::string& segment) {
  const size_t open = segment.find('[');
  if (open == std::string::npos || segment.back() != ']') return segment;
  return segment.substr(0, open) + "[]";
}

/// Whether `concrete` matches `declared`: 0 no, 1 literally, 2 through a placeholder.
int match(const std::string& declared, const std::string& concrete) {
  const auto want = segments_of(declared);
  const auto have = segments_of(concrete);
  bool placeholder = false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "<key path>") return have.size() > i ? 2 : 0;
    if (i >= have.size()) return 0;
    const std::string seg = without_index(have[i]);
    if (is_placeholder(want[i])) {
      placeholder = true;
    } else if (seg != want[i] && seg + "[]" != want[i]) {
      return 0;
    }
  }
  if (have.size() != want.size()) return 0;
  return placeholder ? 2 : 1;
}

}  // namespace

ScenarioKeyRegistry::ScenarioKeyRegistry() {
  for (auto* block : {key_blocks::top_level_keys, key_blocks::model_keys, key_blocks::hardware_keys,
                      key_blocks::workload_keys, key_blocks::serving_keys,
                      key_blocks::strategy_section_keys, key_blocks::sweep_and_plan_keys}) {
    for (ScenarioKey& k : block()) keys_.push_back(std::move(k));
  }
}

const ScenarioKey* ScenarioKeyRegistry::find(const std::string& path) const {
  const ScenarioKey* through_placeholder = nullptr;
  for (const ScenarioKey& k : keys_) {
    const int m = match(k.path, path);
    if (m == 1) return &k;
    if (m == 2 && through_placeholder == nullptr) through_placeholder = &k;
  }
  return through_placeholder;
}

std::optional<SectionPath> ScenarioKeyRegistry::section_below(const std::string& path) const {
  const auto have = segments_of(path);
  for (const ScenarioKey& k : keys_) {
    if (k.type != KeyType::kStrategy) continue;
    const size_t depth = segments_of(k.path).size();
    if (have.size() <= depth) continue;
    std::string head = have[0], rest;
    for (size_t i = 1; i < depth; ++i) head += "." + have[i];
    for (size_t i = depth; i < have.size(); ++i) rest += (rest.empty() ? "" : ".") + have[i];
    if (match(k.path, head) != 0) return SectionPath{&k, rest};
  }
  return std::nullopt;
}

bool ScenarioKeyRegistry::declares(const std::string& path, const StrategyCatalog& catalog) const {
  if (find(path) != nullptr) return true;
  const auto below = section_below(path);
  if (!below) return false;
  if (!below->section->selector.empty() && below->rest == below->section->selector) return true;
  const FamilyInfo* family = family_named(catalog, below->section->family);
  return family != nullptr && !strategies_taking(*family, below->rest).empty();
}

std::vector<const ScenarioKey*> ScenarioKeyRegistry::children(const std::string& block) const {
  std::vector<const ScenarioKey*> out;
  for (const ScenarioKey& k : keys_) {
    if (parent_key_path(k.path) == block) out.push_back(&k);
  }
  return out;
}

std::string parent_key_path(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos) return "";
  std::string parent = path.substr(0, dot);
  if (parent.ends_with("[]")) parent.resize(parent.size() - 2);
  return parent;
}

const FamilyInfo* family_named(const StrategyCatalog& catalog, const std::string& name) {
  for (const FamilyInfo* f : catalog.families()) {
    if (f->name() == name) return f;
  }
  return nullptr;
}

std::vector<const StrategyInfo*> strategies_taking(const FamilyInfo& family,
                                                   const std::string& param) {
  std::vector<const StrategyInfo*> out;
  for (const StrategyInfo* s : family.strategies()) {
    const bool takes = std::any_of(s->params.begin(), s->params.end(), [&](const ParamSpec& p) {
      return p.name == param || p.name.starts_with(param + ".");
    });
    if (takes) out.push_back(s);
  }
  return out;
}

}  // namespace moesim
