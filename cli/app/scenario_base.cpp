#include "cli/app/scenario_base.h"

#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "sim/config/key_read_observer.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

/// Records `node`'s key paths under `prefix` (`node` a mapping) with their lines in `file`,
/// deepest last, so that an error names the line of the key itself.
void record_origins(const YAML::Node& node, const std::string& prefix, const std::string& file,
                    OverrideOrigins& origins) {
  for (const auto& kv : node) {
    const std::string path = joined(prefix, kv.first.as<std::string>());
    origins.emplace_back(path, fmt::format("{}:{}", file, kv.first.Mark().line + 1));
    if (kv.second.IsMap()) record_origins(kv.second, path, file, origins);
  }
}

/// Every key of `base` absent from `over` is copied into `over` (recursively for mappings on
/// both sides), and its path recorded with its line in `file`.
void merge_missing(const YAML::Node& base, YAML::Node over, const std::string& prefix,
                   const std::string& file, OverrideOrigins& origins) {
  for (const auto& kv : base) {
    const std::string key = kv.first.as<std::string>();
    const std::string path = joined(prefix, key);
    if (!over[key]) {
      over[key] = YAML::Clone(kv.second);
      origins.emplace_back(path, fmt::format("{}:{}", file, kv.first.Mark().line + 1));
      if (kv.second.IsMap()) record_origins(kv.second, path, file, origins);
    } else if (kv.second.IsMap() && over[key].IsMap()) {
      merge_missing(kv.second, over[key], path, file, origins);
    }
  }
}

YAML::Node load_chain(const std::string& path, std::vector<fs::path>& chain,
                      OverrideOrigins& origins) {
  YAML::Node tree = load_yaml_file(path);
  if (tree.IsMap()) KeyReadObserver::notify(path, "base");
  if (!tree.IsMap() || !tree["base"]) return tree;
  const YAML::Node base = tree["base"];
  const int line = base.Mark().line + 1;
  if (!base.IsScalar() || base.as<std::string>().empty()) {
    throw ConfigError(fmt::format("{}:{}: base: expected the path of a scenario file", path, line));
  }
  const fs::path base_path = fs::path(path).parent_path() / base.as<std::string>();
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(base_path, ec);
  for (const fs::path& seen : chain) {
    if (seen == canonical) {
      throw ConfigError(fmt::format("{}:{}: base: {} is already a base of this scenario (a cycle)",
                                    path, line, base_path.generic_string()));
    }
  }
  chain.push_back(canonical);
  const std::string base_file = base_path.generic_string();
  const YAML::Node base_tree = load_chain(base_file, chain, origins);
  if (!base_tree.IsMap()) {
    throw ConfigError(
        fmt::format("{}: base scenario: expected a mapping of keys to values", base_file));
  }
  tree.remove("base");
  merge_missing(base_tree, tree, "", base_file, origins);
  return tree;
}

}  // namespace

YAML::Node load_with_base(const std::string& path, OverrideOrigins& origins) {
  std::error_code ec;
  std::vector<fs::path> chain{fs::weakly_canonical(path, ec)};
  return load_chain(path, chain, origins);
}

}  // namespace moesim
