#include "models/cost_model/profiled_moe_block_cost.h"

#include <stdexcept>

namespace moesim {

ProfiledMoeBlockCost::ProfiledMoeBlockCost(const LayerProfile& profile, uint32_t top_k)
    : profile_(&profile), top_k_(top_k) {
  if (top_k == 0) throw std::invalid_argument("a profiled MoE block needs top_k > 0");
}

double ProfiledMoeBlockCost::block_us(std::span<const uint64_t> tokens_per_expert) const {
  uint64_t pairs = 0, active = 0;
  for (const uint64_t tokens : tokens_per_expert) {
    pairs += tokens;
    active += tokens > 0 ? 1 : 0;
  }
  return profile_->moe_us(static_cast<double>(pairs) / top_k_, static_cast<double>(active));
}

}  // namespace moesim
