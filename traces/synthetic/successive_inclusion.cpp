#include "traces/synthetic/successive_inclusion.h"

#include <algorithm>
#include <cmath>

namespace moesim {
namespace {

// 8-point Gauss-Legendre nodes and weights on [-1, 1].
constexpr double kNodes[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                              -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                              0.7966664774136267,  0.9602898564975363};
constexpr double kWeights[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                                0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                                0.2223810344533745, 0.1012285362903763};
constexpr double kPanel = 0.5;         // panel width in log x; the integrands vary over ~1
constexpr double kLowest = 1e-14;      // start where the fastest expert's rate x is this
constexpr double kSlowest = 40.0;      // stop where the slowest's rate x is this (e^-40 left)
constexpr double kNegligible = 1e-17;  // or once no expert's sum is above this

/// The w^1, z^0..z^(m-1) coefficients of prod_{j != e} (q_j + p_j z + first_j w) for every e
/// at one time x.
class LeaveOneOut {
 public:
  LeaveOneOut(std::span<const double> first, std::span<const double> rest, uint32_t m)
      : first_(first),
        rest_(rest),
        m_(m),
        experts_(first.size()),
        width_(2 * size_t{m}),
        prefix_((experts_ + 1) * width_),
        suffix_((experts_ + 1) * width_),
        q_(experts_),
        p_(experts_),
        cum0_(m),
        cum1_(m),
        sum_(experts_) {}

  /// Fills sums() for time x; returns the largest.
  double evaluate(double x) {
    for (size_t j = 0; j < experts_; ++j) {
      q_[j] = std::exp(-rest_[j] * x);
      p_[j] = -std::expm1(-rest_[j] * x);
    }
    std::fill(prefix_.begin(), prefix_.begin() + static_cast<ptrdiff_t>(width_), 0.0);
    prefix_[0] = 1.0;
    for (size_t j = 0; j < experts_; ++j)
      multiply(j, &prefix_[j * width_], &prefix_[(j + 1) * width_]);
    std::fill(suffix_.begin() + static_cast<ptrdiff_t>(experts_ * width_), suffix_.end(), 0.0);
    suffix_[experts_ * width_] = 1.0;
    for (size_t j = experts_; j-- > 0;)
      multiply(j, &suffix_[(j + 1) * width_], &suffix_[j * width_]);
    double largest = 0.0;
    for (size_t e = 0; e < experts_; ++e) {
      const double* before = &prefix_[e * width_];  // [w^0 z^0..m-1 | w^1 z^0..m-1]
      const double* after = &suffix_[(e + 1) * width_];
      double run0 = 0.0, run1 = 0.0;
      for (uint32_t i = 0; i < m_; ++i) {
        cum0_[i] = (run0 += after[i]);
        cum1_[i] = (run1 += after[m_ + i]);
      }
      double s = 0.0;
      for (uint32_t i = 0; i < m_; ++i) {
        s += before[i] * cum1_[m_ - 1 - i] + before[m_ + i] * cum0_[m_ - 1 - i];
      }
      sum_[e] = s;
      largest = std::max(largest, s);
    }
    return largest;
  }
  const std::vector<double>& sums() const { return sum_; }

 private:
  // to = from * (q_j + p_j z + first_j w), truncated to w^1 and z^(m-1).
  void multiply(size_t j, const double* from, double* to) const {
    const double q = q_[j], p = p_[j], f = first_[j];
    to[0] = q * from[0];
    to[m_] = q * from[m_] + f * from[0];
    for (uint32_t i = 1; i < m_; ++i) {
      to[i] = q * from[i] + p * from[i - 1];
      to[m_ + i] = q * from[m_ + i] + p * from[m_ + i - 1] + f * from[i];
    }
  }

  std::span<const double> first_, rest_;
  uint32_t m_;
  size_t experts_, width_;
  std::vector<double> prefix_, suffix_, q_, p_, cum0_, cum1_, sum_;
};

}  // namespace

std::vector<double> successive_sampling_inclusion(std::span<const double> first,
                                                  std::span<const double> rest, uint32_t k) {
  const size_t experts = first.size();
  if (k == 0 || k > experts || rest.size() != experts) return {};
  std::vector<double> inclusion(first.begin(), first.end());
  if (k == 1) return inclusion;
  double fastest = 0.0, slowest = 0.0;
  uint32_t weighted = 0;
  for (const double r : rest) {
    if (r <= 0.0) continue;
    ++weighted;
    fastest = std::max(fastest, r);
    slowest = slowest == 0.0 ? r : std::min(slowest, r);
  }
  if (weighted < k) return {};

  LeaveOneOut sums(first, rest, k - 1);
  const double end = std::log(kSlowest / slowest);
  for (double y = std::log(kLowest / fastest); y < end; y += kPanel) {
    double largest = 0.0;
    for (int i = 0; i < 8; ++i) {
      const double x = std::exp(y + 0.5 * kPanel * (1.0 + kNodes[i]));
      largest = sums.evaluate(x);
      // d(probability) = rest_e exp(-rest_e x) sum_e(x) dx, and dx = x d(log x).
      const double weight = 0.5 * kPanel * kWeights[i] * x;
      for (size_t e = 0; e < experts; ++e) {
        inclusion[e] += weight * rest[e] * std::exp(-rest[e] * x) * sums.sums()[e];
      }
    }
    if (largest < kNegligible) break;  // the sums only fall as x grows
  }
  return inclusion;
}

}  // namespace moesim
