#pragma once
/// `moesim sweep status DIR`: how far a sweep folder has got, and the state of the Slurm job
/// array that fills it, if `moesim sweep submit --slurm` made one.

#include <map>
#include <string>

namespace moesim {

/// Array task states as `squeue -o "%i %T"` prints them, counted per state. A line holds one
/// task ("17_3 RUNNING") or a pending range ("17_[4-7,9%2] PENDING": 5 tasks). Lines that are
/// neither are ignored.
std::map<std::string, size_t> count_array_task_states(const std::string& squeue_output);

/// Prints the point counts of the sweep folder `dir` (done, started without a result, not
/// started) and, for its last Slurm job, the array tasks per state as squeue reports them.
/// ConfigError when `dir` is not a sweep folder. Returns the exit code: 0.
int print_sweep_status(const std::string& dir);

}  // namespace moesim
