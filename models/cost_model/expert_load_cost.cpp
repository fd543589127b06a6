#include "models/cost_model/expert_load_cost.h"

#include <stdexcept>

#include <Eigen/Dense>

namespace moesim {
namespace {

/// (1, active experts, pairs): the regressors of the linear model.
Eigen::Vector3d features(std::span<const uint64_t> tokens_per_expert) {
  double active = 0, pairs = 0;
  for (const uint64_t n : tokens_per_expert) {
    if (n > 0) ++active;
    pairs += static_cast<double>(n);
  }
  return {1.0, active, pairs};
}

}  // namespace

ExpertLoadCost::ExpertLoadCost(double fixed_us, double per_expert_us, double per_pair_us)
    : fixed_us_(fixed_us), per_expert_us_(per_expert_us), per_pair_us_(per_pair_us) {
  if (fixed_us < 0 || per_expert_us < 0 || per_pair_us < 0) {
    throw std::invalid_argument("expert load cost constants must not be negative");
  }
}

ExpertLoadCost ExpertLoadCost::fit(const std::vector<Sample>& samples) {
  if (samples.size() < 3) throw std::invalid_argument("expert load cost fit needs 3 samples");
  // Weighted normal equations: each row divided by its measured time, target 1.
  Eigen::Matrix3d normal = Eigen::Matrix3d::Zero();
  Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
  for (const Sample& s : samples) {
    if (!(s.time_us > 0)) throw std::invalid_argument("expert load cost fit: time must be > 0");
    const Eigen::Vector3d x = features(s.tokens_per_expert) / s.time_us;
    normal += x * x.transpose();
    rhs += x;
  }
  const Eigen::Vector3d c = normal.ldlt().solve(rhs);
  return ExpertLoadCost(c[0], c[1], c[2]);
}

double ExpertLoadCost::block_us(std::span<const uint64_t> tokens_per_expert) const {
  return features(tokens_per_expert).dot(Eigen::Vector3d(fixed_us_, per_expert_us_, per_pair_us_));
}

}  // namespace moesim
