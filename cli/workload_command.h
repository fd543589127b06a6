#pragma once
/// The `moesim workload` subcommands: generate a request file, import one from another tool.
/// Each returns the process exit code (0 success; errors are thrown as in cli/commands.h).

#include <cstdint>
#include <string>

namespace moesim {

struct WorkloadGenerateOptions {
  std::string arrival = "poisson";  ///< poisson, gamma or fixed
  double rate = 0.0;                ///< requests per second
  double cv = 1.0;                  ///< gamma: coefficient of variation of the gaps
  uint64_t requests = 0;
  std::string input;   ///< length spec, see traces/workload/length_spec.h
  std::string output;  ///< length spec
  uint64_t seed = 0;
  std::string out;  ///< request file to write
};

/// Writes a synthetic request file and prints one summary line.
int workload_generate_command(const WorkloadGenerateOptions& options);

/// Converts LLMServingSim's ShareGPT JSON Lines workload into a request file.
int workload_import_sharegpt_command(const std::string& in, const std::string& out);

}  // namespace moesim
