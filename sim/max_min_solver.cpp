#include "sim/max_min_solver.h"

#include <algorithm>

namespace moesim {

void MaxMinSolver::solve(const MaxMinProblem& problem, std::vector<double>& rates) {
  const size_t n_links = problem.capacity.size();
  const size_t n_flows = problem.flow_count();
  rates.assign(n_flows, 0.0);

  // Link -> flows, in compressed form.
  link_offsets_.assign(n_links + 1, 0);
  for (const uint32_t l : problem.flow_links) ++link_offsets_[l + 1];
  for (size_t l = 0; l < n_links; ++l) link_offsets_[l + 1] += link_offsets_[l];
  link_flows_.resize(problem.flow_links.size());
  unfrozen_.assign(n_links, 0);
  for (uint32_t f = 0; f < n_flows; ++f) {
    for (uint32_t i = problem.flow_offsets[f]; i < problem.flow_offsets[f + 1]; ++i) {
      const uint32_t l = problem.flow_links[i];
      link_flows_[link_offsets_[l] + unfrozen_[l]++] = f;
    }
  }

  residual_.assign(problem.capacity.begin(), problem.capacity.end());
  frozen_.assign(n_flows, 0);
  open_links_.clear();
  for (uint32_t l = 0; l < n_links; ++l) {
    if (unfrozen_[l] > 0) open_links_.push_back(l);
  }

  while (!open_links_.empty()) {
    // The bottleneck: the open link with the least residual capacity per unfrozen flow.
    size_t best = 0;
    double best_share = residual_[open_links_[0]] / unfrozen_[open_links_[0]];
    for (size_t i = 1; i < open_links_.size(); ++i) {
      const uint32_t l = open_links_[i];
      const double share = residual_[l] / unfrozen_[l];
      if (share < best_share) {
        best_share = share;
        best = i;
      }
    }
    const uint32_t bottleneck = open_links_[best];
    for (uint32_t i = link_offsets_[bottleneck]; i < link_offsets_[bottleneck + 1]; ++i) {
      const uint32_t f = link_flows_[i];
      if (frozen_[f]) continue;
      frozen_[f] = 1;
      rates[f] = best_share;
      for (uint32_t j = problem.flow_offsets[f]; j < problem.flow_offsets[f + 1]; ++j) {
        const uint32_t l = problem.flow_links[j];
        residual_[l] = std::max(0.0, residual_[l] - best_share);
        --unfrozen_[l];
      }
    }
    // Drop links with no unfrozen flow left (the bottleneck is always among them).
    open_links_.erase(std::remove_if(open_links_.begin(), open_links_.end(),
                                     [this](uint32_t l) { return unfrozen_[l] == 0; }),
                      open_links_.end());
  }
}

}  // namespace moesim
