#pragma once
/// `moesim sweep submit --slurm`: a sweep as one Slurm job array. Array task i runs shard i/T
/// of the points (`moesim sweep run --shard i/T`) into the same sweep folder, so the folder
/// fills exactly as a local `moesim sweep run` fills it, and a resubmission resumes.

#include <cstddef>
#include <string>

namespace moesim {

struct SlurmSubmitOptions {
  std::string scenario;    ///< scenario file with a `sweep:` block
  std::string out_dir;     ///< the sweep folder (made by moesim), on a filesystem tasks share
  size_t chunk = 0;        ///< points per array task; 0: ceil(points / 1000), Slurm's array limit
  size_t max_running = 0;  ///< array tasks at once (sbatch --array=...%M); 0: the cluster's limit
  size_t jobs = 1;         ///< points at once inside a task: its -j and --cpus-per-task
  std::string partition;   ///< sbatch --partition; "" for the cluster's default
  std::string time_limit;  ///< sbatch --time per task (e.g. "2:00:00"); "" for the partition's
  bool submit = true;      ///< false: write the script and print how to submit it
};

/// What goes into the batch script, resolved.
struct SlurmArrayPlan {
  std::string job_name;               ///< "moesim-<scenario file stem>"
  std::string moesim;                 ///< absolute path of the moesim binary every task runs
  std::string scenario;               ///< absolute path of the scenario
  std::string sweep_dir;              ///< absolute path of the sweep folder
  size_t points = 0;                  ///< points of the sweep, >= 1
  size_t tasks = 0;                   ///< array tasks: ceil(points / chunk), at most 1000
  size_t chunk = 1;                   ///< points per task
  size_t max_running = 0;             ///< array tasks at once; 0: no throttle
  size_t jobs = 1;                    ///< points at once in a task (its CPUs)
  std::string partition, time_limit;  ///< "" for the cluster's defaults
};

/// The sbatch script of `plan`: #SBATCH lines, then one `exec moesim sweep run --shard` line.
/// Paths in the shell line are single-quoted; the task logs go to SWEEP/slurm/.
std::string format_sbatch_script(const SlurmArrayPlan& plan);

/// Expands the sweep (its errors as `moesim sweep run` gives them), prepares the folder with
/// points.csv, writes SWEEP/slurm/sweep.sbatch and, unless options.submit is false, submits it
/// with `sbatch --parsable`, appending "JOBID TASKS" to SWEEP/slurm/jobs. ConfigError for bad
/// options (naming them); std::runtime_error when sbatch is missing or refuses the job.
/// Returns the exit code: 0.
int submit_sweep_to_slurm(const SlurmSubmitOptions& options);

}  // namespace moesim
