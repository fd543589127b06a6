#pragma once
/// `moesim validate --suite comm`: every measured nccl-tests row simulated on its machine.
///
/// Fit/check split: rows measured with nccl_dtype int8 are fit rows (the per-system constants
/// of systems.yaml are fitted on them by fit_comm_calibration); rows measured with half are
/// check rows, and only they are reported. Both sweeps cover the same byte sizes, so the check
/// is on independent measurements of the same collectives.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"
#include "models/comm/collective_simulation.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/system_config.h"

namespace moesim {

/// One measured table and the machine it was measured on.
struct CommTable {
  SystemConfig system;         ///< the machine, with the constants the suite simulates with
  std::filesystem::path file;  ///< the table: the system's measured.comm, or --table
};

/// Whether the goals apply to a machine: a scale-up NVLink machine (the hgx and nvl72
/// builders). Other machines' rows are reported without a goal.
bool comm_goals_apply(const SystemConfig& system);

/// The machines of systems.yaml (`systems_file`, read into `systems`) that name a measured
/// comm table, in file order.
std::vector<CommTable> catalogue_comm_tables(const std::filesystem::path& systems_file,
                                             const std::map<std::string, SystemConfig>& systems);

struct CommMeasurement {
  Collective op;
  bool fit_row;  ///< int8 (fit) or half (check)
  uint32_t ranks;
  double bytes;
  double latency_us;
};

/// Reads one nccl_perf CSV (columns in docs/validation.md, "Calibrating your own cluster").
/// Throws ConfigError naming file, line and column on bad rows, on an empty table, and on a
/// row of more than `max_gpus` GPUs (the machine's GPU count) or fewer than 2.
std::vector<CommMeasurement> read_nccl_table(const std::filesystem::path& file,
                                             uint32_t max_gpus = UINT32_MAX);

struct CommSuiteReport {
  std::vector<ValidationRow> rows;  ///< check rows only
  std::string summary;              ///< printed table of median and P90 per file and collective
  /// Two per NVLink table: median |rel_error| <= 15% at >= 1 MiB, and every collective's
  /// small-message floor within 2x. The PCIe tables have none.
  std::vector<ValidationGoal> goals;
  bool goals_met = false;       ///< every goal met
  size_t report_only_rows = 0;  ///< rows no goal covers: PCIe tables, NVLink 4 KiB to 1 MiB
};

/// Simulates every check row of each table on its machine with the machine's constants.
/// Throws ConfigError when a table has no check rows.
CommSuiteReport run_comm_suite(const std::vector<CommTable>& tables,
                               const HardwareCatalogue& catalogue);

}  // namespace moesim
