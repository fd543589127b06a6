#include "traces/expert_count_chain.h"

#include <algorithm>
#include <cmath>

namespace moesim {
namespace {

constexpr double kSumTolerance = 1e-9;  // relative: inclusions are computed to ~1e-12

/// a with a (1 - a / total) = variance: the root at most 2 variance (total >= 4 variance).
double conditioned_variance_weight(double variance, double total) {
  return 0.5 * total * (1.0 - std::sqrt(std::max(0.0, 1.0 - 4.0 * variance / total)));
}

}  // namespace

std::optional<ExpertCountChain> ExpertCountChain::build(std::span<const double> inclusion,
                                                        uint32_t k) {
  if (k == 0 || k > inclusion.size()) return std::nullopt;
  std::vector<double> pi(inclusion.begin(), inclusion.end());
  double total = 0.0, variances = 0.0, largest = 0.0;
  for (double& p : pi) {
    if (!(p >= 0.0 && p <= 1.0 + kSumTolerance)) return std::nullopt;
    p = std::min(p, 1.0);
    total += p;
    variances += p * (1.0 - p);
    largest = std::max(largest, p * (1.0 - p));
  }
  if (std::abs(total - k) > kSumTolerance * k) return std::nullopt;

  // A = sum_e a_e(A): the left end has the sum above A unless there is no solution; the sum is
  // at most 2 x variances, so the right end has it below.
  double weights = 0.0;
  if (variances > 0.0) {
    const auto excess = [&](double a_total) {
      double sum = 0.0;
      for (const double p : pi) sum += conditioned_variance_weight(p * (1.0 - p), a_total);
      return sum - a_total;
    };
    double lo = std::max(variances, 4.0 * largest);
    double hi = std::max(2.0 * variances, lo);
    if (excess(lo) < 0.0) return std::nullopt;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      (excess(mid) > 0.0 ? lo : hi) = mid;
    }
    weights = 0.5 * (lo + hi);
  }

  ExpertCountChain chain;
  chain.experts_ = static_cast<uint32_t>(pi.size());
  chain.k_ = k;
  std::vector<uint32_t> order;
  for (uint32_t e = 0; e < pi.size(); ++e) {
    if (pi[e] > 0.0) order.push_back(e);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return pi[x] * (1.0 - pi[x]) < pi[y] * (1.0 - pi[y]);
  });
  chain.steps_.resize(order.size());
  double pi_left = 0.0, a_left = 0.0;
  for (size_t j = order.size(); j-- > 0;) {
    Step& s = chain.steps_[j];
    s.expert = order[j];
    s.inclusion = pi[s.expert];
    const double a = weights > 0.0
                         ? conditioned_variance_weight(s.inclusion * (1.0 - s.inclusion), weights)
                         : 0.0;
    pi_left += s.inclusion;
    a_left += a;
    s.inclusion_left = pi_left;
    s.beta = a_left > 0.0 ? a / a_left : 0.0;
    s.spread = a * (1.0 - s.beta) / pi_left;
  }
  return chain;
}

void ExpertCountChain::draw(uint64_t tokens, RngStream& rng, std::span<uint64_t> counts) const {
  const double n_tokens = static_cast<double>(tokens);
  uint64_t left = tokens * k_;  // choices still to place
  for (size_t j = 0; j < steps_.size(); ++j) {
    const Step& s = steps_[j];
    const uint64_t room = tokens * (steps_.size() - 1 - j);  // what the later experts can take
    const uint64_t lo = left > room ? left - room : 0;
    const uint64_t hi = std::min(tokens, left);
    uint64_t x = lo;
    if (lo < hi) {
      const double r = static_cast<double>(left);
      const double range = static_cast<double>(hi - lo);
      const double mean = n_tokens * s.inclusion + s.beta * (r - n_tokens * s.inclusion_left) -
                          static_cast<double>(lo);
      if (mean >= range) {
        x = hi;
      } else if (mean > 0.0) {
        // Binomial(n, p) with n p = mean and n p (1 - p) = variance, n rounded into
        // [mean, range]; when the variance reaches the mean, the widest the range allows.
        const double variance = s.spread * r;
        const double wanted = variance < mean ? mean * mean / (mean - variance) : range;
        // rounded, and at least the mean (casts: non-negative and far below 2^64)
        const auto at_least = static_cast<uint64_t>(mean) + 1;
        const uint64_t trials =
            std::clamp(static_cast<uint64_t>(std::min(wanted, range) + 0.5), at_least, hi - lo);
        x = lo + rng.binomial(trials, mean / static_cast<double>(trials));
      }
    }
    counts[s.expert] += x;
    left -= x;
  }
}

}  // namespace moesim
