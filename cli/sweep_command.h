#pragma once
/// `moesim sweep run`, `collect`, `submit` and `status` (docs/scenario.md, "Sweeps"). Each returns
/// the process exit code: 0 success, 2 configuration error (thrown as ConfigError), 1 when a
/// point failed or a runtime failure.

#include <string>

#include "cli/app/slurm_submission.h"
#include "cli/app/sweep_runner.h"
#include "cli/app/sweep_status.h"

namespace moesim {

/// Runs the points of a sweep that have no result yet (cli/app/sweep_runner.h).
int sweep_run_command(const SweepRunOptions& options);

/// Writes DIR/results.csv from the points' metrics.json and prints its path.
int sweep_collect_command(const std::string& dir);

}  // namespace moesim
