#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "models/strategies/bound/bound_entries.h"

namespace moesim {

std::string tokens_per_s_text(double value) {
  if (value == std::numeric_limits<double>::infinity()) return "no limit";
  return fmt::format("{:.1f} tokens/s", value);
}

std::string seconds_text(double seconds) {
  if (seconds >= 1.0) return fmt::format("{:.3f} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.3f} ms", seconds * 1e3);
  return fmt::format("{:.3f} us", seconds * 1e6);
}

double gpu_step_seconds(const ServingDeployment& deployment, const BatchShape& step) {
  const ResourceTimes t = step_lower_bound(deployment, step);
  return std::max(t[Resource::kCompute], t[Resource::kMemory]);
}

double gpu_tokens_per_s(const ServingDeployment& deployment) {
  // 65,536 tokens: past the turning point of every GPU in the catalogue, where FLOPs bind.
  constexpr uint64_t kTokens = 65536;
  BatchShape step;
  step.decode_tokens = kTokens;
  return static_cast<double>(kTokens) / gpu_step_seconds(deployment, step);
}

}  // namespace moesim
