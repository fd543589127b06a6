#pragma once
/// A folder of measured operator tables for one GPU (topologies/measured/operators/<gpu>/):
/// `tables.yaml` names the catalogue GPU they were measured on and, per serving backend, the
/// folder of its tables and its fitted framework overhead (docs/validation.md gives the rows
/// each constant was fitted on):
///
///   gpu: H100-SXM
///   backends:
///     vllm:
///       tables: vllm_0.19.0
///       overhead: {graph_us: 1500, eager_us: 3000, per_sequence_us: 10, per_token_us: 0.5,
///                  request_us: 50000, prompt_token_us: 5, in_flight_us: 1000}
///
/// `request_us`, `prompt_token_us` and `in_flight_us` (optional, 0 when absent) are per request,
/// per prompt token and per other request in flight when it is sent: a request's time in the
/// serving front end (FrontEndLatency).

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/cost_model/operator_tables.h"
#include "models/engine/serving/framework_overhead.h"

namespace moesim {

struct OperatorDatabaseSpec {
  std::string gpu;                    ///< catalogue GPU the tables were measured on
  std::filesystem::path backend_dir;  ///< the backend's tables
  FrameworkOverhead overhead;
  /// The other backends' tables in the folder, by backend name.
  std::vector<std::pair<std::string, std::filesystem::path>> other_backend_dirs;
};

/// The shipped folder of that name (topologies/measured/operators/<name>), else `given` as a
/// path (relative to `scenario_dir`); empty when neither exists.
std::filesystem::path find_operator_tables(const std::string& given,
                                           const std::filesystem::path& scenario_dir);

/// Reads `dir`/tables.yaml for `backend`. Throws ConfigError naming the file and key.
OperatorDatabaseSpec read_operator_database(const std::filesystem::path& dir,
                                            const std::string& backend);

/// The tables of `dir`, loaded once per process and shared (thread-safe).
std::shared_ptr<const OperatorTables> shared_operator_tables(const std::filesystem::path& dir);

}  // namespace moesim
