#include "models/strategies/placement/coactivation_grouping.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {
namespace {

class Grouping {
 public:
  Grouping(const std::vector<double>& c, uint32_t experts, uint32_t groups, double balance)
      : c_(c),
        experts_(experts),
        groups_(groups),
        per_group_(experts / groups),
        load_(experts),
        affinity_(size_t{experts} * groups, 0.0),
        group_of_(experts, groups),
        group_load_(groups, 0.0),
        group_size_(groups, 0) {
    double total = 0.0, others = 0.0;
    for (uint32_t e = 0; e < experts; ++e) {
      load_[e] = at(e, e);
      total += load_[e];
      for (uint32_t j = 0; j < experts; ++j) others += j == e ? 0.0 : at(e, j);
    }
    // No sampled tokens: every expert weighs the same (mean 1).
    mean_ = total > 0 ? total / experts : 1.0;
    const double kappa = total > 0 && others > 0 ? others / total : 1.0;
    pair_weight_ = (1.0 - balance) / kappa;
    load_weight_ = balance / (2.0 * mean_);
    // Gains below this are rounding, not improvement (keeps the swap passes from cycling).
    tolerance_ = 1e-12 * (pair_weight_ + load_weight_ * mean_) * std::max(total, 1.0);
  }

  /// Step 1: heaviest expert first (ties: lower id) into the best group with room.
  void assign() {
    std::vector<uint32_t> order(experts_);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return load_[a] > load_[b]; });
    for (const uint32_t e : order) {
      uint32_t best = groups_;
      double best_gain = 0.0;
      for (uint32_t g = 0; g < groups_; ++g) {
        if (group_size_[g] == per_group_) continue;  // full groups are excluded
        const double gain = add_gain(e, g);
        if (best == groups_ || gain > best_gain ||
            (gain == best_gain && group_load_[g] < group_load_[best])) {
          best = g;
          best_gain = gain;
        }
      }
      put(e, best);
    }
  }

  /// Step 2: one pass of improving pairwise swaps; returns whether any was made.
  bool swap_pass() {
    bool swapped = false;
    for (uint32_t a = 0; a < experts_; ++a) {
      for (uint32_t b = a + 1; b < experts_; ++b) {
        const uint32_t g = group_of_[a], h = group_of_[b];
        if (g == h || swap_gain(a, b) <= tolerance_) continue;
        take(a);
        take(b);
        put(a, h);
        put(b, g);
        swapped = true;
      }
    }
    return swapped;
  }

  const std::vector<uint32_t>& group_of() const { return group_of_; }

 private:
  double at(uint32_t i, uint32_t j) const { return c_[size_t{i} * experts_ + j]; }
  double& affinity(uint32_t e, uint32_t g) { return affinity_[size_t{e} * groups_ + g]; }
  double affinity(uint32_t e, uint32_t g) const { return affinity_[size_t{e} * groups_ + g]; }
  /// Group g's load above the mean load of its experts (tokens).
  double excess(uint32_t g) const { return group_load_[g] - group_size_[g] * mean_; }

  /// Marginal J of adding expert e to group g.
  double add_gain(uint32_t e, uint32_t g) const {
    const double x = excess(g), d = load_[e] - mean_;
    return pair_weight_ * affinity(e, g) - load_weight_ * ((x + d) * (x + d) - x * x);
  }
  /// Change of J when experts a and b (in different groups) trade places.
  double swap_gain(uint32_t a, uint32_t b) const {
    const uint32_t g = group_of_[a], h = group_of_[b];
    // affinity(b, g) counts a, which leaves g, and affinity(a, h) counts b: minus 2 c_ab.
    const double pairs =
        affinity(b, g) - affinity(a, g) + affinity(a, h) - affinity(b, h) - 2.0 * at(a, b);
    const double delta = load_[b] - load_[a];  // g's load change (tokens)
    const double squares = 2.0 * delta * (excess(g) - excess(h)) + 2.0 * delta * delta;
    return pair_weight_ * pairs - load_weight_ * squares;
  }

  void put(uint32_t e, uint32_t g) {
    group_of_[e] = g;
    group_load_[g] += load_[e];
    ++group_size_[g];
    for (uint32_t x = 0; x < experts_; ++x) {
      if (x != e) affinity(x, g) += at(x, e);
    }
  }
  void take(uint32_t e) {
    const uint32_t g = group_of_[e];
    group_load_[g] -= load_[e];
    --group_size_[g];
    for (uint32_t x = 0; x < experts_; ++x) {
      if (x != e) affinity(x, g) -= at(x, e);
    }
  }

  const std::vector<double>& c_;
  uint32_t experts_, groups_, per_group_;
  std::vector<double> load_;      // tokens per expert (the diagonal)
  std::vector<double> affinity_;  // [e][g]: co-activations of e with g's other experts
  std::vector<uint32_t> group_of_;
  std::vector<double> group_load_;
  std::vector<uint32_t> group_size_;
  double mean_ = 1.0, pair_weight_ = 0.0, load_weight_ = 0.0, tolerance_ = 0.0;
};

}  // namespace

std::vector<uint32_t> group_by_coactivation(const std::vector<double>& coactivation,
                                            uint32_t experts, uint32_t groups, uint32_t swap_passes,
                                            double balance) {
  if (groups == 0 || experts % groups != 0) {
    throw std::invalid_argument(fmt::format(
        "co-activation grouping: {} experts do not split into {} equal groups", experts, groups));
  }
  if (coactivation.size() != size_t{experts} * experts) {
    throw std::invalid_argument(fmt::format("co-activation grouping: {} entries, expected {} x {}",
                                            coactivation.size(), experts, experts));
  }
  if (!(balance >= 0.0 && balance <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("co-activation grouping: balance {} outside [0, 1]", balance));
  }
  Grouping grouping(coactivation, experts, groups, balance);
  grouping.assign();
  for (uint32_t pass = 0; pass < swap_passes; ++pass) {
    if (!grouping.swap_pass()) break;
  }
  return grouping.group_of();
}

}  // namespace moesim
