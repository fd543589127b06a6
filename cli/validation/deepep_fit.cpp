#include "cli/validation/deepep_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace moesim {
namespace {

constexpr int kGridFirst = 20, kGridLast = 1000;  // L = W x i / 1000
constexpr int kMaxRounds = 50;                    // side reassignments per grid point

// Coefficients: latency_us, latency_per_hidden_us, per_token_us, us per byte at one SM.
using Coefficients = std::array<double, 4>;

double sm_side(const Coefficients& c, const EpFitPoint& p) {
  return (c[2] * p.tokens + c[3] * p.bytes) / p.sms;
}

double model_us(const Coefficients& c, double link_us_per_byte, const EpFitPoint& p) {
  return c[0] + c[1] * p.hidden + std::max(sm_side(c, p), p.bytes * link_us_per_byte);
}

/// Weighted least squares over the free coefficients; pinned ones stay 0. Each feature is
/// scaled by its largest value over the points, as bytes and a constant differ by 1e9.
Coefficients solve(const std::vector<EpFitPoint>& points, const std::vector<bool>& link_bound,
                   double link_us_per_byte, const std::array<bool, 4>& free) {
  std::array<double, 4> scale{1, 1, 1, 1};
  for (const EpFitPoint& p : points) {
    scale[1] = std::max(scale[1], p.hidden);
    scale[2] = std::max(scale[2], p.tokens / p.sms);
    scale[3] = std::max(scale[3], p.bytes / p.sms);
  }
  std::array<std::array<double, 5>, 4> m{};  // normal equations, augmented
  for (size_t k = 0; k < points.size(); ++k) {
    const EpFitPoint& p = points[k];
    std::array<double, 4> f{1.0, p.hidden / scale[1], p.tokens / p.sms / scale[2],
                            p.bytes / p.sms / scale[3]};
    double target = p.measured_us;
    if (link_bound[k]) {
      f[2] = f[3] = 0;
      target -= p.bytes * link_us_per_byte;
    }
    const double w = 1.0 / (p.measured_us * p.measured_us);
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) m[i][j] += w * f[i] * f[j];
      m[i][4] += w * f[i] * target;
    }
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      if (!free[i] || !free[j]) m[i][j] = i == j ? 1.0 : 0.0;
    }
    if (!free[i]) m[i][4] = 0;
    if (m[i][i] == 0) m[i][i] = 1;  // a feature no point has (e.g. every row link-bound)
  }
  for (int col = 0; col < 4; ++col) {  // Gauss-Jordan with partial pivoting
    int pivot = col;
    for (int r = col + 1; r < 4; ++r) {
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    }
    std::swap(m[col], m[pivot]);
    for (int r = 0; r < 4; ++r) {
      if (r == col || m[col][col] == 0) continue;
      const double f = m[r][col] / m[col][col];
      for (int j = col; j < 5; ++j) m[r][j] -= f * m[col][j];
    }
  }
  Coefficients c{};
  for (int i = 0; i < 4; ++i) c[i] = m[i][i] == 0 ? 0 : m[i][4] / m[i][i] / scale[i];
  return c;
}

/// Solve, pinning latency_per_hidden and per_token at 0 while they come out negative.
Coefficients solve_non_negative(const std::vector<EpFitPoint>& points,
                                const std::vector<bool>& link_bound, double link_us_per_byte,
                                bool per_hidden, bool per_token) {
  std::array<bool, 4> free{true, per_hidden, per_token, true};
  Coefficients c = solve(points, link_bound, link_us_per_byte, free);
  while ((free[1] && c[1] < 0) || (free[2] && c[2] < 0)) {
    free[(free[1] && c[1] < 0) ? 1 : 2] = false;
    c = solve(points, link_bound, link_us_per_byte, free);
  }
  return c;
}

double error_sum(const std::vector<EpFitPoint>& points, const Coefficients& c, double link) {
  double sum = 0;
  for (const EpFitPoint& p : points) sum += std::pow(model_us(c, link, p) / p.measured_us - 1, 2);
  return sum;
}

}  // namespace

EpFit fit_ep_kernel(const std::vector<EpFitPoint>& points, bool per_hidden, bool per_token,
                    double nvlink_bandwidth) {
  if (points.size() < 4) throw std::invalid_argument("fit_ep_kernel: fewer than 4 points");
  std::optional<Coefficients> best;
  double best_error = 0, best_link = 0;
  for (int i = kGridFirst; i <= kGridLast; ++i) {
    const double link = 1e6 / (nvlink_bandwidth * i / kGridLast);  // us per byte
    std::vector<bool> link_bound(points.size(), false);
    Coefficients c{};
    for (int round = 0; round < kMaxRounds; ++round) {
      c = solve_non_negative(points, link_bound, link, per_hidden, per_token);
      std::vector<bool> next(points.size());
      for (size_t k = 0; k < points.size(); ++k) {
        next[k] = points[k].bytes * link > sm_side(c, points[k]);
      }
      if (next == link_bound) break;
      link_bound = std::move(next);
    }
    if (!(c[3] > 0)) continue;  // no finite SM copy rate
    const double error = error_sum(points, c, link);
    if (!best || error < best_error * (1 - 1e-12)) {
      best = c;
      best_error = error;
      best_link = link;
    }
  }
  if (!best) throw std::invalid_argument("fit_ep_kernel: no positive SM copy rate");
  EpFit fit;
  const Coefficients& c = *best;
  fit.constants.latency_us = c[0];
  fit.constants.latency_per_hidden_us = c[1];
  fit.constants.per_token_us = c[2];
  fit.constants.sm_rate = 1e6 / c[3];  // bytes/s
  fit.constants.link_efficiency = 1e6 / best_link / nvlink_bandwidth;
  std::vector<double> errors;
  for (const EpFitPoint& p : points) {
    errors.push_back(std::abs(model_us(c, best_link, p) / p.measured_us - 1));
  }
  std::sort(errors.begin(), errors.end());
  const size_t n = errors.size();
  fit.median_abs = n % 2 == 1 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
  return fit;
}

}  // namespace moesim
