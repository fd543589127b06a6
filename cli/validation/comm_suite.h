#pragma once
/// `moesim validate --suite comm`: every measured nccl-tests row simulated on its machine.
///
/// Fit/check split: rows measured with nccl_dtype int8 are fit rows (the per-system constants
/// of systems.yaml are fitted on them by fit_comm_calibration); rows measured with half are
/// check rows, and only they are reported. Both sweeps cover the same byte sizes, so the check
/// is on independent measurements of the same collectives.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"
#include "models/comm/collective_simulation.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/system_config.h"

namespace moesim {

/// One measured table and the systems.yaml machine it was measured on.
struct CommTable {
  std::string file;    ///< under topologies/measured/nccl/
  std::string system;  ///< systems.yaml key
  bool nvlink;         ///< scale-up NVLink machine (the 15% goal applies)
};
const std::vector<CommTable>& comm_tables();

struct CommMeasurement {
  Collective op;
  bool fit_row;  ///< int8 (fit) or half (check)
  uint32_t ranks;
  double bytes;
  double latency_us;
};

/// Reads one nccl_perf CSV. Throws ConfigError naming file, line and column on bad rows.
std::vector<CommMeasurement> read_nccl_table(const std::filesystem::path& file);

struct CommSuiteReport {
  std::vector<ValidationRow> rows;  ///< check rows only
  std::string summary;              ///< printed table of median and P90 per file and collective
  /// Two per NVLink table: median |rel_error| <= 15% at >= 1 MiB, and every collective's
  /// small-message floor within 2x. The PCIe tables have none.
  std::vector<ValidationGoal> goals;
  bool goals_met = false;       ///< every goal met
  size_t report_only_rows = 0;  ///< rows no goal covers: PCIe tables, NVLink 4 KiB to 1 MiB
};

/// Simulates every check row with the calibration in `systems`.
CommSuiteReport run_comm_suite(const std::filesystem::path& data_dir,
                               const std::map<std::string, SystemConfig>& systems,
                               const HardwareCatalogue& catalogue);

}  // namespace moesim
