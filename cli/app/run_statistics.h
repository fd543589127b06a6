#pragma once
/// What a serving run cost the simulator, printed to stdout after the run (never written to a
/// result file, which stays byte-identical between runs): engine iterations, simulated events,
/// routed token-expert pairs and their rate, and the process's peak resident memory.
/// scripts/bench --macro reads this line.

#include <string>

#include "cli/app/serving_run.h"

namespace moesim {

/// One line: "run statistics: I iterations, E events, P routed token-expert pairs (R/s wall),
/// peak RSS M MB". `wall_s`: the run's wall time in seconds.
std::string format_run_statistics(const ServingRun& run, double wall_s);

}  // namespace moesim
