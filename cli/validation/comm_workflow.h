#pragma once
/// The tables and machines of `moesim validate --suite comm` and `moesim calibrate --suite
/// comm`, and the fitted constants as YAML. Without options the suites run every systems.yaml
/// machine that names a measured table (`measured: {comm: PATH}`); `--system` picks one machine
/// (a systems.yaml entry, or a system file) and `--table` gives it a user's measured table
/// instead of its own. docs/validation.md, "Calibrating your own cluster", shows the workflow.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/comm_suite.h"

namespace moesim {

/// The first line of every file `moesim calibrate --suite comm --out FILE` writes: the mark
/// that lets a later calibration replace it (OwnedFile, cli/owned_file.h).
inline constexpr const char* kCommCalibrationMarker = "# moesim calibrate --suite comm";

struct CommSelection {
  std::string table;   ///< --table FILE: a measured nccl-tests table; "" for the machine's own
  std::string system;  ///< --system NAME|FILE; "" for every catalogue machine with a table
};

/// The tables to run, each with its machine. Throws ConfigError for --table without --system,
/// an unknown system, a machine with no table, and a machine its builder refuses.
std::vector<CommTable> select_comm_tables(const CommSelection& selection,
                                          const std::filesystem::path& catalogue_dir,
                                          const HardwareCatalogue& catalogue);

/// Fits the constants of each table's machine on the table's int8 rows (comm_fit.h) and
/// formats them as YAML. `one_machine`: the machine's `comm:` block at the top level, to paste
/// under its systems.yaml entry or into a system file; otherwise each machine's name with its
/// block indented below, in systems.yaml form. Starts with kCommCalibrationMarker. Throws
/// ConfigError when a table has no int8 rows.
std::string comm_calibration_yaml(const std::vector<CommTable>& tables,
                                  const HardwareCatalogue& catalogue, bool one_machine);

}  // namespace moesim
