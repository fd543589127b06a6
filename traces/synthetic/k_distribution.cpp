#include "traces/synthetic/k_distribution.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

KDistribution::KDistribution(uint32_t min, std::vector<double> probabilities)
    : min_(min), table_(probabilities) {
  probabilities_ = table_.probabilities();
}

KDistribution KDistribution::fixed(uint32_t k) {
  return KDistribution(k, {1.0});
}

KDistribution KDistribution::explicit_probabilities(uint32_t min,
                                                    std::span<const double> probabilities) {
  if (probabilities.empty()) throw std::invalid_argument("k probabilities: the list is empty");
  return KDistribution(min, std::vector<double>(probabilities.begin(), probabilities.end()));
}

namespace {

std::vector<double> tilted(uint32_t min, uint32_t max, double theta) {
  std::vector<double> p(max - min + 1);
  // exp(theta (k - max)) or exp(theta (k - min)) keeps the largest term at 1: no overflow
  const double anchor = theta > 0.0 ? max : min;
  for (uint32_t k = min; k <= max; ++k) p[k - min] = std::exp(theta * (k - anchor));
  return p;
}

double mean_of(uint32_t min, const std::vector<double>& p) {
  double total = 0.0, weighted = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    total += p[i];
    weighted += p[i] * static_cast<double>(min + i);
  }
  return weighted / total;
}

}  // namespace

KDistribution KDistribution::with_mean(uint32_t min, uint32_t max, double mean) {
  if (min > max || !(mean >= min && mean <= max)) {
    throw std::invalid_argument(
        fmt::format("k distribution needs min <= mean <= max, got {} <= {} <= {}", min, mean, max));
  }
  if (min == max) return fixed(min);
  if (mean == min) return fixed(min);
  if (mean == max) return fixed(max);
  // The mean grows monotonically with theta; 200 halvings of [-50, 50] reach double precision.
  double lo = -50.0, hi = 50.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mean_of(min, tilted(min, max, mid)) < mean ? lo : hi) = mid;
  }
  return KDistribution(min, tilted(min, max, 0.5 * (lo + hi)));
}

double KDistribution::mean() const {
  return mean_of(min_, probabilities_);
}

}  // namespace moesim
