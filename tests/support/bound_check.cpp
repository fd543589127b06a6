#include "support/bound_check.h"

#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

namespace moesim::test {

void check_within_bound(const std::filesystem::path& metrics) {
  INFO(metrics.generic_string());
  const JsonValue m = parse_json(read_text(metrics));
  REQUIRE(m.has("bound"));
  const JsonValue& b = m.at("bound");
  // A rounding margin only: the bound is computed from the same work in doubles.
  constexpr double kAtMost = 1.0 + 1e-9;
  CHECK(b.at("step_fraction_of_bound").number > 0.0);
  CHECK(b.at("step_fraction_of_bound").number <= kAtMost);
  if (b.has("fraction_of_bound")) {
    CHECK(b.at("fraction_of_bound").number > 0.0);
    CHECK(b.at("fraction_of_bound").number <= kAtMost);
  }
}

}  // namespace moesim::test
