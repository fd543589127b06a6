#include "cli/app/run_statistics.h"

#include <sys/resource.h>

#include <fmt/format.h>

namespace moesim {

std::string format_run_statistics(const ServingRun& run, double wall_s) {
  uint64_t pairs = 0;
  for (const uint64_t tokens : run.experts().rank_tokens()) pairs += tokens;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
  return fmt::format(
      "run statistics: {} iterations, {} events, {} routed token-expert pairs ({:.3g}/s wall), "
      "peak RSS {:.0f} MB\n",
      run.simulation().totals().iterations(), run.simulation().events(), pairs,
      wall_s > 0 ? static_cast<double>(pairs) / wall_s : 0.0, peak_mb);
}

}  // namespace moesim
