#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output_directory.h"
#include "models/validation/comm_fit.h"
#include "models/validation/comm_suite.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"

namespace moesim {
namespace {

/// The measured tables shipped with the sources (topologies/measured).
std::filesystem::path measured_dir() {
  return MOESIM_MEASURED_DIR;
}

void require_known_suite(const std::string& suite) {
  if (suite != "comm") throw ConfigError(fmt::format("unknown suite '{}' (known: comm)", suite));
}

}  // namespace

int validate_command(const ValidateOptions& options) {
  require_known_suite(options.suite);
  const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
  const auto systems = load_systems(default_catalogue_dir() / "systems.yaml", catalogue);
  const CommSuiteReport report = run_comm_suite(measured_dir() / "nccl", systems, catalogue);

  const std::string out_dir = options.out_dir.empty() ? "out/validate-comm" : options.out_dir;
  OutputDirectory out(out_dir);
  out.write("validation.csv", format_validation_csv(report.rows));
  out.write("summary.txt", report.summary);
  out.commit();
  std::cout << report.summary;
  size_t passed = 0;
  for (const ValidationRow& r : report.rows) passed += r.pass() ? 1 : 0;
  std::cout << fmt::format("\n{} of {} check rows within their threshold; goals {}\n", passed,
                           report.rows.size(), report.goals_met ? "met" : "NOT met");
  std::cout << fmt::format("wrote {}/{{validation.csv, summary.txt}}\n", out.final_path().string());
  return 0;
}

int calibrate_command(const std::string& suite) {
  require_known_suite(suite);
  const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
  const auto systems = load_systems(default_catalogue_dir() / "systems.yaml", catalogue);
  std::cout << "# Fitted on the int8 rows of each table (half rows are the check rows).\n";
  for (const CommTable& table : comm_tables()) {
    const SystemConfig& config = systems.at(table.system);
    const BuiltSystem system = build_system(config, catalogue);
    const CommCalibration c =
        fit_comm_calibration(config, system, read_nccl_table(measured_dir() / "nccl" / table.file));
    std::cout << fmt::format("{}:\n  comm:\n    protocols:\n", table.system);
    for (const CommProtocol& p : c.protocols) {
      std::cout << fmt::format(
          "      {}: {{base_latency: \"{:.2f} us\", step_latency: \"{:.2f} us\", "
          "bandwidth_efficiency: {:.3f}, switch_reduce: {}}}\n",
          p.name, p.base_latency.microseconds(), p.step_latency.microseconds(),
          p.bandwidth_efficiency, p.switch_reduce);
    }
    if (config.switch_reduction) {
      std::cout << fmt::format("    switch_reduce_efficiency: {:.3f}\n",
                               c.switch_reduce_efficiency);
    }
    std::cout << fmt::format("    fitted_on: \"int8 rows of topologies/measured/nccl/{}\"\n",
                             table.file);
  }
  return 0;
}

}  // namespace moesim
