#include "cli/validation/nonnegative_fit.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace moesim {
namespace {

/// Unconstrained weighted least squares over the coefficients in `free` (the others 0), by
/// Gaussian elimination with partial pivoting on the normal equations; false when singular.
bool solve_free(const std::vector<FitEquation>& eqs, const std::vector<bool>& free,
                std::vector<double>& x) {
  const size_t n = free.size();
  std::vector<size_t> idx;
  for (size_t j = 0; j < n; ++j)
    if (free[j]) idx.push_back(j);
  const size_t m = idx.size();
  std::vector<std::vector<double>> a(m, std::vector<double>(m + 1, 0.0));
  for (const FitEquation& e : eqs) {
    for (size_t r = 0; r < m; ++r) {
      for (size_t c = 0; c < m; ++c) a[r][c] += e.w * e.a[idx[r]] * e.a[idx[c]];
      a[r][m] += e.w * e.a[idx[r]] * e.y;
    }
  }
  for (size_t col = 0; col < m; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < m; ++r)
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    if (std::abs(a[pivot][col]) < 1e-300) return false;
    std::swap(a[col], a[pivot]);
    for (size_t r = 0; r < m; ++r) {
      if (r == col) continue;
      const double f = a[r][col] / a[col][col];
      for (size_t c = col; c <= m; ++c) a[r][c] -= f * a[col][c];
    }
  }
  x.assign(n, 0.0);
  for (size_t r = 0; r < m; ++r) x[idx[r]] = a[r][m] / a[r][r];
  return true;
}

}  // namespace

std::vector<double> nonnegative_least_squares(const std::vector<FitEquation>& equations) {
  if (equations.empty()) return {};
  const size_t n = equations.front().a.size();
  if (n > 8) throw std::invalid_argument("nonnegative_least_squares: at most 8 coefficients");
  for (const FitEquation& e : equations) {
    if (e.a.size() != n) throw std::invalid_argument("nonnegative_least_squares: ragged rows");
  }
  std::vector<double> best(n, 0.0);
  double best_cost = std::numeric_limits<double>::infinity();
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    std::vector<bool> free(n);
    for (size_t j = 0; j < n; ++j) free[j] = (mask >> j) & 1u;
    std::vector<double> x;
    if (!solve_free(equations, free, x)) continue;
    bool feasible = true;
    for (const double v : x) feasible = feasible && v >= 0;
    if (!feasible) continue;
    double cost = 0;
    for (const FitEquation& e : equations) {
      double r = -e.y;
      for (size_t j = 0; j < n; ++j) r += e.a[j] * x[j];
      cost += e.w * r * r;
    }
    if (cost < best_cost * (1 - 1e-12)) {
      best_cost = cost;
      best = x;
    }
  }
  return best;
}

}  // namespace moesim
