#include "cli/validation/comm_workflow.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/validation/comm_fit.h"
#include "sim/config_error.h"
#include "topologies/system_loader.h"

namespace moesim {
namespace {

/// A --system value names a file when it looks like a path; otherwise a systems.yaml entry.
bool names_file(const std::string& system) {
  const auto ends_with = [&](const std::string& suffix) {
    return system.size() >= suffix.size() &&
           system.compare(system.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return system.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml");
}

SystemConfig selected_system(const std::string& system, const std::filesystem::path& systems_file,
                             const HardwareCatalogue& catalogue) {
  if (names_file(system)) return load_system_file(system, catalogue);
  auto systems = load_systems(systems_file, catalogue);
  const auto it = systems.find(system);
  if (it == systems.end()) {
    throw ConfigError(fmt::format(
        "--system: unknown system '{}' ({} has: {}; or give a system file ending in .yaml)", system,
        systems_file.string(), fmt::join(system_names(systems_file), ", ")));
  }
  return std::move(it->second);
}

/// The path a report names: relative to the working directory, as a user would type it.
std::string shown_path(const std::filesystem::path& file) {
  return std::filesystem::absolute(file)
      .lexically_normal()
      .lexically_proximate(std::filesystem::current_path())
      .string();
}

void format_comm_block(std::string& text, const CommCalibration& c, const SystemConfig& config,
                       const std::string& fitted_on, const std::string& indent) {
  auto out = std::back_inserter(text);
  fmt::format_to(out, "{}comm:\n{}  protocols:\n", indent, indent);
  for (const CommProtocol& p : c.protocols) {
    fmt::format_to(out,
                   "{}    {}: {{base_latency: \"{:.2f} us\", step_latency: \"{:.2f} us\", "
                   "bandwidth_efficiency: {:.3f}, switch_reduce: {}}}\n",
                   indent, p.name, p.base_latency.microseconds(), p.step_latency.microseconds(),
                   p.bandwidth_efficiency, p.switch_reduce);
  }
  if (config.switch_reduction) {
    fmt::format_to(out, "{}  switch_reduce_efficiency: {:.3f}\n", indent,
                   c.switch_reduce_efficiency);
  }
  fmt::format_to(out, "{}  fitted_on: \"int8 rows of {}\"\n", indent, fitted_on);
}

}  // namespace

std::vector<CommTable> select_comm_tables(const CommSelection& selection,
                                          const std::filesystem::path& catalogue_dir,
                                          const HardwareCatalogue& catalogue) {
  const std::filesystem::path systems_file = catalogue_dir / "systems.yaml";
  if (selection.system.empty()) {
    if (!selection.table.empty()) {
      throw ConfigError("--table: name the machine it was measured on with --system NAME|FILE");
    }
    return catalogue_comm_tables(systems_file, load_systems(systems_file, catalogue));
  }
  CommTable table{selected_system(selection.system, systems_file, catalogue), selection.table};
  if (table.file.empty()) table.file = table.system.comm_table;
  if (table.file.empty()) {
    throw ConfigError(fmt::format(
        "--system {}: the machine names no measured table (measured: {{comm: PATH}}); give one "
        "with --table FILE",
        selection.system));
  }
  try {
    build_system(table.system, catalogue);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("--system {}: {}", selection.system, e.what()));
  }
  return {table};
}

std::string comm_calibration_yaml(const std::vector<CommTable>& tables,
                                  const HardwareCatalogue& catalogue, bool one_machine) {
  std::string text = std::string(kCommCalibrationMarker) +
                     ": fitted on the int8 rows of each table (its half rows are the check "
                     "rows of moesim validate --suite comm).\n";
  for (const CommTable& table : tables) {
    const SystemConfig& config = table.system;
    const std::vector<CommMeasurement> rows =
        read_nccl_table(table.file, config.gpus * config.nodes);
    if (std::none_of(rows.begin(), rows.end(), [](const auto& m) { return m.fit_row; })) {
      throw ConfigError(
          fmt::format("{}: no fit rows (nccl_dtype int8) to calibrate on", table.file.string()));
    }
    const CommCalibration c = fit_comm_calibration(config, build_system(config, catalogue), rows);
    if (one_machine) {
      text += fmt::format(
          "# The comm constants of '{}': paste the comm: block under the machine's entry in "
          "systems.yaml (indented below its name), or at the top level of a system file.\n",
          config.name);
      format_comm_block(text, c, config, shown_path(table.file), "");
    } else {
      text += config.name + ":\n";
      format_comm_block(text, c, config, shown_path(table.file), "  ");
    }
  }
  return text;
}

}  // namespace moesim
