#include "models/serving/expert_load_balancer.h"

#include <algorithm>
#include <numeric>

namespace moesim {

ExpertLoadBalancer::ExpertLoadBalancer(const PlacementStrategy& strategy, PlacementContext context,
                                       double expert_bytes)
    : strategy_(&strategy),
      context_(std::move(context)),
      expert_bytes_(expert_bytes),
      window_(context_.experts, 0.0),
      rank_tokens_(context_.ranks, 0) {
  install(strategy_->place(context_));
}

void ExpertLoadBalancer::install(ExpertPlacement placement) {
  placement.check_covers(context_.ranks, context_.experts);
  placement_ = std::move(placement);
  split_ = std::make_unique<ReplicaSplit>(placement_);
}

const std::vector<std::vector<uint64_t>>& ExpertLoadBalancer::split(
    std::span<const uint64_t> tokens_per_expert) {
  for (size_t e = 0; e < window_.size(); ++e)
    window_[e] += static_cast<double>(tokens_per_expert[e]);
  const auto& out = split_->split(tokens_per_expert);
  for (size_t r = 0; r < out.size(); ++r) {
    rank_tokens_[r] += std::accumulate(out[r].begin(), out[r].end(), uint64_t{0});
  }
  return out;
}

std::vector<double> ExpertLoadBalancer::end_iteration() {
  ++iterations_;
  const uint32_t every = strategy_->rebalance_every();
  if (every == 0 || iterations_ % every != 0) return {};
  PlacementContext recent = context_;
  recent.expert_load = window_;
  ExpertPlacement next = strategy_->place(recent);
  std::fill(window_.begin(), window_.end(), 0.0);
  // Every (expert, rank) pair the new plan has and the old one lacks moves one expert's weights.
  std::vector<double> received(context_.ranks, 0.0);
  for (size_t e = 0; e < next.ranks_of_expert.size(); ++e) {
    const auto& before = placement_.ranks_of_expert[e];
    for (const uint32_t r : next.ranks_of_expert[e]) {
      if (std::find(before.begin(), before.end(), r) == before.end()) received[r] += expert_bytes_;
    }
  }
  install(std::move(next));
  ++replans_;
  migrated_bytes_ += std::accumulate(received.begin(), received.end(), 0.0);
  return received;
}

double ExpertLoadBalancer::max_over_mean() const {
  const uint64_t total = std::accumulate(rank_tokens_.begin(), rank_tokens_.end(), uint64_t{0});
  if (total == 0) return 1.0;
  const double mean = static_cast<double>(total) / static_cast<double>(rank_tokens_.size());
  return static_cast<double>(*std::max_element(rank_tokens_.begin(), rank_tokens_.end())) / mean;
}

}  // namespace moesim
