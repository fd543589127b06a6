#include "cli/validation/deepep_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace moesim {
namespace {

constexpr int kKneeSteps = 4000;  // k = 0.05 x i SMs, i = 20 .. kKneeSteps (1 to 200 SMs)
constexpr double kKneeStep = 0.05;

struct Solve {
  std::array<double, 3> c{};  // latency_us, latency_per_hidden_us, us per byte at the link
  double error = 0;           // sum of squared relative errors
};

/// Weighted least squares on the features of `use` (1, hidden, link-time); unused stay 0.
Solve solve(const std::vector<EpFitPoint>& points, double knee, const std::array<bool, 3>& use) {
  const auto features = [&](const EpFitPoint& p) {
    return std::array<double, 3>{1.0, p.hidden, p.bytes * std::max(knee / p.sms, 1.0)};
  };
  std::array<std::array<double, 4>, 3> m{};  // normal equations, augmented
  for (const EpFitPoint& p : points) {
    const auto f = features(p);
    const double w = 1.0 / (p.measured_us * p.measured_us);
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) m[i][j] += w * f[i] * f[j];
      m[i][3] += w * f[i] * p.measured_us;
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (!use[i]) {  // pins the coefficient at 0
      m[i] = {};
      m[i][i] = 1;
      continue;
    }
    for (int j = 0; j < 3; ++j) {
      if (!use[j]) m[i][j] = 0;
    }
  }
  for (int col = 0; col < 3; ++col) {  // Gauss-Jordan with partial pivoting
    int pivot = col;
    for (int r = col + 1; r < 3; ++r) {
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    }
    std::swap(m[col], m[pivot]);
    for (int r = 0; r < 3; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int j = col; j < 4; ++j) m[r][j] -= f * m[col][j];
    }
  }
  Solve s;
  for (int i = 0; i < 3; ++i) s.c[i] = m[i][3] / m[i][i];
  for (const EpFitPoint& p : points) {
    const auto f = features(p);
    const double t = s.c[0] * f[0] + s.c[1] * f[1] + s.c[2] * f[2];
    s.error += std::pow((t - p.measured_us) / p.measured_us, 2);
  }
  return s;
}

}  // namespace

EpFit fit_ep_kernel(const std::vector<EpFitPoint>& points, bool per_hidden,
                    double nvlink_bandwidth) {
  if (points.size() < 3) throw std::invalid_argument("fit_ep_kernel: fewer than 3 points");
  Solve best;
  double best_knee = 0;
  for (int i = 20; i <= kKneeSteps; ++i) {
    const double knee = i * kKneeStep;
    Solve s = solve(points, knee, {true, per_hidden, true});
    if (s.c[1] < 0) s = solve(points, knee, {true, false, true});
    if (best_knee == 0 || s.error < best.error * (1 - 1e-12)) best = s, best_knee = knee;
  }
  if (!(best.c[2] > 0)) throw std::invalid_argument("fit_ep_kernel: no positive bandwidth");
  EpFit fit;
  fit.knee_sms = best_knee;
  fit.constants.latency_us = best.c[0];
  fit.constants.latency_per_hidden_us = best.c[1];
  const double link_rate = 1e6 / best.c[2];  // bytes/s: c[2] is us per byte
  fit.constants.link_efficiency = link_rate / nvlink_bandwidth;
  fit.constants.sm_rate = link_rate / best_knee;
  std::vector<double> errors;
  for (const EpFitPoint& p : points) {
    const double t =
        best.c[0] + best.c[1] * p.hidden + best.c[2] * p.bytes * std::max(best_knee / p.sms, 1.0);
    errors.push_back(std::abs(t - p.measured_us) / p.measured_us);
  }
  std::sort(errors.begin(), errors.end());
  const size_t n = errors.size();
  fit.median_abs = n % 2 == 1 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
  return fit;
}

}  // namespace moesim
