#include "models/engine/serving/layout_collectives.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

LayoutCollectives::LayoutCollectives(const ParallelLayout& layout, uint32_t machine_gpus,
                                     std::unique_ptr<PhaseTimer> timer)
    : gpus_(layout), timer_(std::move(timer)), phases_(kPhaseKinds) {
  if (layout.gpus() > machine_gpus) {
    throw std::invalid_argument(fmt::format("the layout needs {} GPUs but the machine has {}",
                                            layout.gpus(), machine_gpus));
  }
  for (uint32_t s = 0; s < layout.pipeline_parallel; ++s) {
    phases_[kTensorAllReduce].push_back({Collective::kAllReduce, gpus_.tensor_groups(s)});
    phases_[kDataAllGather].push_back({Collective::kAllGather, gpus_.data_groups(s)});
    phases_[kDataReduceScatter].push_back({Collective::kReduceScatter, gpus_.data_groups(s)});
    if (s + 1 < layout.pipeline_parallel) {
      phases_[kStageHandoff].push_back({Collective::kSendRecv, gpus_.handoff_pairs(s)});
    }
    phases_[kMigration].push_back({Collective::kSendRecv, gpus_.migration_pairs(s)});
  }
}

double LayoutCollectives::us(PhaseKind kind, double bytes) {
  if (bytes <= 0.0) return 0.0;
  const auto key = std::make_pair(kind, bytes);
  const auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  double slowest = 0;
  for (const CollectivePhase& phase : phases_[kind]) {
    slowest = std::max(slowest, timer_->seconds(phase, bytes));
  }
  memo_.emplace(key, 1e6 * slowest);
  return 1e6 * slowest;
}

}  // namespace moesim
