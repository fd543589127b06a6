#include "sim/network_model.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

void check_link_config(const LinkConfig& config) {
  if (!(config.bandwidth > 0.0) || !std::isfinite(config.bandwidth)) {
    throw std::invalid_argument(fmt::format("link '{}': bandwidth must be positive, got {}",
                                            config.name, config.bandwidth));
  }
  if (config.latency < Time::zero()) {
    throw std::invalid_argument(
        fmt::format("link '{}': latency must not be negative", config.name));
  }
}

}  // namespace moesim
