#include "cli/sweep_command.h"

#include <filesystem>
#include <iostream>

#include "cli/app/sweep_folder.h"
#include "cli/app/sweep_results.h"

namespace moesim {

int sweep_run_command(const SweepRunOptions& options) {
  return run_sweep(options);
}

int sweep_collect_command(const std::string& dir) {
  const std::string csv = format_results_csv(dir);
  const std::filesystem::path path = std::filesystem::path(dir) / "results.csv";
  write_whole_file(path, csv);
  std::cout << "wrote " << path.string() << '\n';
  return 0;
}

}  // namespace moesim
