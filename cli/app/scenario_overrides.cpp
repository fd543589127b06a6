#include "cli/app/scenario_overrides.h"

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    parts.push_back(path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin));
    if (dot == std::string::npos) return parts;
    begin = dot + 1;
  }
}

/// A copy of `node` built afresh, so that no part of it carries a position (YAML::Mark): the
/// value came from the command line, and a line number from parsing it alone would point into
/// the scenario file at a line that has nothing to do with it.
YAML::Node without_marks(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return YAML::Node(node.Scalar());
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& element : node) out.push_back(without_marks(element));
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& kv : node) out[kv.first.Scalar()] = without_marks(kv.second);
      return out;
    }
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

}  // namespace

ScenarioOverride parse_override(const std::string& option, const std::string& argument) {
  const size_t eq = argument.find('=');
  if (eq == std::string::npos) {
    throw ConfigError(
        fmt::format("{} {}: expected key.path=value (e.g. {} seed=3)", option, argument, option));
  }
  ScenarioOverride o{argument.substr(0, eq), argument.substr(eq + 1),
                     fmt::format("{} {}", option, argument)};
  for (const std::string& part : split_path(o.path)) {
    if (part.empty()) {
      throw ConfigError(fmt::format("{}: expected a key path of names separated by '.', got \"{}\"",
                                    o.text, o.path));
    }
  }
  return o;
}

void apply_overrides(YAML::Node& root, const std::vector<ScenarioOverride>& overrides) {
  for (const ScenarioOverride& o : overrides) {
    YAML::Node value;
    try {
      value = without_marks(YAML::Load(o.value));
    } catch (const YAML::ParserException& e) {
      throw ConfigError(
          fmt::format("{}: {}: the value is not valid YAML: {}", o.text, o.path, e.msg));
    }
    const std::vector<std::string> parts = split_path(o.path);
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    YAML::Node node = root;  // Node copies refer to the same node; reset() moves the reference
    std::string walked;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!node.IsMap()) {
        throw ConfigError(fmt::format("{}: {}: is {}, not a mapping with keys to set", o.text,
                                      walked.empty() ? "(document)" : walked,
                                      node.IsSequence() ? "a list" : "a single value"));
      }
      walked += (walked.empty() ? "" : ".") + parts[i];
      if (i + 1 == parts.size()) {
        node[parts[i]] = value;
        break;
      }
      YAML::Node next = node[parts[i]];
      if (!next.IsDefined() || next.IsNull()) {
        node[parts[i]] = YAML::Node(YAML::NodeType::Map);
        next.reset(node[parts[i]]);
      } else if (next.IsScalar()) {
        // A strategy chosen by name (`placement: eplb`) takes parameters as {name: eplb, ...}.
        YAML::Node named(YAML::NodeType::Map);
        named["name"] = next.Scalar();
        node[parts[i]] = named;
        next.reset(node[parts[i]]);
      }
      node.reset(next);
    }
  }
}

std::vector<ScenarioOverride> command_line_overrides(const std::vector<std::string>& sets,
                                                     const std::optional<std::string>& seed) {
  std::vector<ScenarioOverride> overrides;
  for (const std::string& set : sets) overrides.push_back(parse_override("--set", set));
  if (seed) overrides.push_back({"seed", *seed, fmt::format("--seed {}", *seed)});
  return overrides;
}

std::shared_ptr<const OverrideOrigins> override_origins(
    const std::vector<ScenarioOverride>& overrides) {
  auto origins = std::make_shared<OverrideOrigins>();
  for (const ScenarioOverride& o : overrides) origins->emplace_back(o.path, o.text);
  return origins;
}

}  // namespace moesim
