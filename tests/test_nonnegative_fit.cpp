// nonnegative_least_squares, the solver of moesim calibrate --suite silicon's fits.

#include <catch2/catch.hpp>

#include "cli/validation/nonnegative_fit.h"

using moesim::FitEquation;
using moesim::nonnegative_least_squares;

TEST_CASE("nonnegative least squares recovers exact nonnegative coefficients", "[calibrate]") {
  // y = 2 + 0.5 x1 + 3 x2 on a grid, with uneven weights.
  std::vector<FitEquation> eqs;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j)
      eqs.push_back({{1.0, 10.0 * i, double(j)}, 2 + 5.0 * i + 3 * j, 1.0 + i});
  }
  const auto x = nonnegative_least_squares(eqs);
  REQUIRE(x.size() == 3);
  CHECK(x[0] == Approx(2));
  CHECK(x[1] == Approx(0.5));
  CHECK(x[2] == Approx(3));
}

TEST_CASE("nonnegative least squares holds a coefficient that would be negative at 0",
          "[calibrate]") {
  // y = 6 - x exactly: the unconstrained slope is -1, so the best fit with slope >= 0 is the
  // weighted mean of y with slope 0.
  const std::vector<FitEquation> eqs = {{{1.0, 0.0}, 6, 1}, {{1.0, 2.0}, 4, 1}, {{1.0, 4.0}, 2, 2}};
  const auto x = nonnegative_least_squares(eqs);
  CHECK(x[1] == 0);
  CHECK(x[0] == Approx((6 + 4 + 2 * 2) / 4.0));
  // No equation constrains the second coefficient: it is 0.
  const auto free = nonnegative_least_squares({{{1.0, 0.0}, 3, 1}, {{1.0, 0.0}, 5, 1}});
  CHECK(free[0] == Approx(4));
  CHECK(free[1] == 0);
  CHECK(nonnegative_least_squares({}).empty());
  CHECK_THROWS_AS(nonnegative_least_squares({{{1.0}, 1, 1}, {{1.0, 2.0}, 1, 1}}),
                  std::invalid_argument);
}
