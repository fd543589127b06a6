#pragma once
/// Runs another program (sbatch, squeue) and captures what it prints: the way moesim talks to
/// tools it does not link, such as Slurm's commands.

#include <string>
#include <vector>

namespace moesim {

/// The moesim binary running now (/proc/self/exe), so that the processes it starts (sweep
/// points, Slurm array tasks) run the same version. std::runtime_error when it cannot be read.
std::string own_executable();

/// Whether an executable named `name` is on the PATH.
bool on_path(const std::string& name);

struct ExternalResult {
  int exit_code = 0;  ///< the program's exit status; 128 + N when signal N ended it
  std::string out;    ///< everything it wrote to stdout
  std::string err;    ///< everything it wrote to stderr
};

/// Runs `argv` (argv[0] looked up on the PATH) with stdin from /dev/null and waits for it.
/// It gets the signals InterruptCleanup blocks here, so Ctrl-C stops it too. Throws
/// std::runtime_error when it cannot be started.
ExternalResult run_external(const std::vector<std::string>& argv);

}  // namespace moesim
