#include "models/engine/serving/expert_load_balancer.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace moesim {

ExpertLoadBalancer::ExpertLoadBalancer(const PlacementStrategy& strategy, PlacementContext context,
                                       std::vector<std::vector<double>> layer_loads,
                                       uint32_t layers, double expert_bytes,
                                       std::vector<std::vector<double>> layer_coactivation)
    : strategy_(&strategy),
      context_(std::move(context)),
      layers_(layers),
      expert_bytes_(expert_bytes),
      rank_tokens_(context_.ranks, 0) {
  if (layers == 0) throw std::invalid_argument("the model has no MoE layer to place experts on");
  if (!strategy_->uses_load()) {
    plans_.push_back(make_plan(strategy_->place(context_)));
    return;
  }
  if (layer_loads.size() != layers) {
    throw std::invalid_argument("expert load balancer: one load vector per MoE layer expected");
  }
  if (strategy_->rebalance_every() > 0) {
    window_.assign(layers, std::vector<double>(context_.experts, 0.0));
  }
  for (uint32_t l = 0; l < layers; ++l) {
    PlacementContext c = context_;
    c.expert_load = std::move(layer_loads[l]);
    c.layer = l;
    if (l < layer_coactivation.size()) c.coactivation = {std::move(layer_coactivation[l])};
    plans_.push_back(make_plan(strategy_->place(c)));
  }
}

ExpertLoadBalancer::Plan ExpertLoadBalancer::make_plan(ExpertPlacement placement) const {
  placement.check_covers(context_.ranks, context_.experts);
  Plan plan{std::move(placement), nullptr};
  plan.split = std::make_unique<ReplicaSplit>(plan.placement);
  return plan;
}

const std::vector<std::vector<uint64_t>>& ExpertLoadBalancer::split(
    uint32_t layer, std::span<const uint64_t> tokens_per_expert) {
  if (!window_.empty()) {
    auto& w = window_.at(layer);
    for (size_t e = 0; e < w.size(); ++e) w[e] += static_cast<double>(tokens_per_expert[e]);
  }
  const auto& out = plans_[plans_.size() == 1 ? 0 : layer].split->split(tokens_per_expert);
  uint64_t most = 0, total = 0;
  for (size_t r = 0; r < out.size(); ++r) {
    const uint64_t n = std::accumulate(out[r].begin(), out[r].end(), uint64_t{0});
    rank_tokens_[r] += n;
    most = std::max(most, n);
    total += n;
  }
  busiest_sum_ += static_cast<double>(most);
  mean_sum_ += static_cast<double>(total) / static_cast<double>(out.size());
  return out;
}

std::vector<double> ExpertLoadBalancer::end_iteration() {
  ++iterations_;
  const uint32_t every = strategy_->rebalance_every();
  if (every == 0 || iterations_ % every != 0 || window_.empty()) return {};
  // Every (expert, rank) pair a layer's new plan has and its old one lacks moves one expert's
  // weights of that layer to that rank.
  std::vector<double> received(context_.ranks, 0.0);
  for (uint32_t l = 0; l < layers_; ++l) {
    PlacementContext recent = context_;
    recent.expert_load = window_[l];
    recent.layer = l;
    Plan next = make_plan(strategy_->place(recent));
    std::fill(window_[l].begin(), window_[l].end(), 0.0);
    const ExpertPlacement& before = plans_[l].placement;
    for (size_t e = 0; e < next.placement.ranks_of_expert.size(); ++e) {
      const auto& had = before.ranks_of_expert[e];
      for (const uint32_t r : next.placement.ranks_of_expert[e]) {
        if (std::find(had.begin(), had.end(), r) == had.end()) received[r] += expert_bytes_;
      }
    }
    plans_[l] = std::move(next);
  }
  ++replans_;
  migrated_bytes_ += std::accumulate(received.begin(), received.end(), 0.0);
  return received;
}

double ExpertLoadBalancer::replicas_per_layer() const {
  double total = 0;
  for (const Plan& p : plans_) total += static_cast<double>(p.placement.replicas());
  return total / static_cast<double>(plans_.size());
}

double ExpertLoadBalancer::max_over_mean() const {
  return mean_sum_ > 0 ? busiest_sum_ / mean_sum_ : 1.0;
}

}  // namespace moesim
