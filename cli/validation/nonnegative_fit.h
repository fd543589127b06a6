#pragma once
/// Weighted least squares with every coefficient >= 0, for the few-parameter fits of
/// `moesim calibrate --suite silicon`: minimises sum_i w_i (a_i . x - y_i)^2 over x >= 0.

#include <vector>

namespace moesim {

/// One equation a . x = y with weight w.
struct FitEquation {
  std::vector<double> a;
  double y = 0;
  double w = 1;
};

/// The best x >= 0 (as many coefficients as each equation's `a`, at most 8). Every subset of
/// coefficients held at 0 is solved and the feasible solution with the least weighted squared
/// residual wins (the first in subset order on a tie): exact, and cheap for a few coefficients.
/// A coefficient no equation constrains is 0.
std::vector<double> nonnegative_least_squares(const std::vector<FitEquation>& equations);

}  // namespace moesim
