#include "models/engine/serving/collective_timer.h"

#include <fmt/format.h>

namespace moesim {

CollectiveTimer::CollectiveTimer(SystemConfig config, HardwareCatalogue hardware, uint32_t ranks)
    : config_(std::move(config)),
      hardware_(std::move(hardware)),
      system_(build_system(config_, hardware_)),
      ranks_(ranks) {
  if (ranks == 0 || ranks > system_.topology.gpus().size()) {
    throw std::invalid_argument(fmt::format("system '{}' has {} GPUs, the layout needs {}",
                                            config_.name, system_.topology.gpus().size(), ranks));
  }
}

double CollectiveTimer::seconds(Collective op, double total_bytes) {
  if (ranks_ == 1 || total_bytes <= 0.0) return 0.0;
  const auto key = std::make_pair(op, total_bytes);
  const auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  const double s =
      simulate_collective(config_, system_, op, ranks_, total_bytes, config_.comm).seconds();
  memo_.emplace(key, s);
  return s;
}

}  // namespace moesim
