#include "models/strategies/serving_cost/operator_database_spec.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "sim/config/yaml_map.h"
#include "sim/config_error.h"

namespace moesim {

std::filesystem::path find_operator_tables(const std::string& given,
                                           const std::filesystem::path& scenario_dir) {
  const std::filesystem::path shipped = std::filesystem::path(MOESIM_OPERATOR_TABLES_DIR) / given;
  const std::filesystem::path local = std::filesystem::path(given).is_absolute()
                                          ? std::filesystem::path(given)
                                          : scenario_dir / given;
  if (!given.empty() && std::filesystem::is_directory(shipped)) return shipped;
  if (!given.empty() && std::filesystem::is_directory(local)) return local;
  return {};
}

OperatorDatabaseSpec read_operator_database(const std::filesystem::path& dir,
                                            const std::string& backend) {
  const std::string file = (dir / "tables.yaml").string();
  YamlMap root(load_yaml_file(file), file, "");
  OperatorDatabaseSpec spec;
  spec.gpu = root.get_string("gpu");
  YamlMap backends = root.get_map("backends");
  if (!backends.has(backend)) {
    throw ConfigError(fmt::format("{}: backends: no tables for the backend \"{}\"", file, backend));
  }
  for (const char* name : {"vllm", "trtllm", "sglang"}) {
    if (!backends.has(name)) continue;
    YamlMap b = backends.get_map(name);
    const std::string folder = b.get_string("tables");
    YamlMap o = b.get_map("overhead");
    FrameworkOverhead overhead;
    overhead.graph_us = o.get_double("graph_us", 0, 1e6);
    overhead.eager_us = o.get_double("eager_us", 0, 1e6);
    overhead.per_sequence_us = o.get_double("per_sequence_us", 0, 1e4);
    overhead.per_token_us = o.get_double("per_token_us", 0, 1e4);
    if (o.has("request_us")) overhead.front_end.request_us = o.get_double("request_us", 0, 1e8);
    if (o.has("prompt_token_us")) {
      overhead.front_end.per_prompt_token_us = o.get_double("prompt_token_us", 0, 1e4);
    }
    if (o.has("in_flight_us")) {
      overhead.front_end.per_in_flight_us = o.get_double("in_flight_us", 0, 1e6);
    }
    o.finish();
    b.finish();
    if (name == backend) {
      spec.backend_dir = dir / folder;
      spec.overhead = overhead;
    } else {
      spec.other_backend_dirs.emplace_back(name, dir / folder);
    }
  }
  backends.finish();
  root.finish();
  if (!std::filesystem::is_directory(spec.backend_dir)) {
    throw ConfigError(fmt::format("{}: backends.{}.tables: no folder {}", file, backend,
                                  spec.backend_dir.string()));
  }
  return spec;
}

std::shared_ptr<const OperatorTables> shared_operator_tables(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::shared_ptr<const OperatorTables>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& tables = loaded[std::filesystem::absolute(dir).lexically_normal()];
  if (!tables) tables = std::make_shared<const OperatorTables>(OperatorTables::load(dir));
  return tables;
}

}  // namespace moesim
