#include "topologies/builders/builder_checks.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim::builder_checks {

void require_link_spec(const LinkSpec& spec, const std::string& what) {
  if (!(spec.bandwidth > 0.0) || !std::isfinite(spec.bandwidth)) {
    throw std::invalid_argument(fmt::format(
        "{}.bandwidth must be positive and finite (got {} bytes/s)", what, spec.bandwidth));
  }
  if (spec.latency < Time::zero()) {
    throw std::invalid_argument(
        fmt::format("{}.latency must not be negative (got {})", what, spec.latency.to_string()));
  }
}

void require_gpu_count(uint64_t gpus, const std::string& what) {
  if (gpus > kMaxGpus) {
    throw std::invalid_argument(
        fmt::format("{} gives {} GPUs; expected at most {}", what, gpus, kMaxGpus));
  }
}

void require_positive(uint32_t value, const std::string& what) {
  if (value == 0) throw std::invalid_argument(fmt::format("{} must be at least 1", what));
}

void require_divisible(uint32_t value, const std::string& what, uint32_t divisor,
                       const std::string& divisor_what) {
  if (value % divisor != 0) {
    throw std::invalid_argument(
        fmt::format("{} ({}) must be a multiple of {} ({})", what, value, divisor_what, divisor));
  }
}

}  // namespace moesim::builder_checks
