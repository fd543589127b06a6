// Mapping measured routing statistics onto a model with a multiple of the experts (calibrated
// `like:`): each expert's load and transition row is shared equally by its adjacent copies.

#include <stdexcept>

#include <catch2/catch.hpp>

#include "traces/calibration/measured_routing_reshape.h"

using moesim::MeasuredRouting;
using moesim::reshape_measured_routing;

namespace {

/// Two experts, top-1, one measured layer pair 0 -> 1.
MeasuredRouting two_experts() {
  MeasuredRouting m;
  m.model = "toy";
  m.num_experts = 2;
  m.top_k = 1;
  m.layers = 2;
  m.topk_load = {{0, {30.0, 10.0}}, {1, {20.0, 20.0}}};
  m.top1_load = {{0, {30.0, 10.0}}};
  m.pairs.push_back({0, 1, {8.0, 4.0, 0.0, 12.0}, {}});
  return m;
}

}  // namespace

TEST_CASE("reshaping splits each expert's load over adjacent copies", "[measured_reshape]") {
  const MeasuredRouting r = reshape_measured_routing(two_experts(), 4, 2);
  CHECK(r.num_experts == 4);
  CHECK(r.top_k == 2);
  CHECK(r.layers == 2);
  CHECK(r.topk_load.at(0) == std::vector<double>{15.0, 15.0, 5.0, 5.0});
  CHECK(r.top1_load.at(0) == std::vector<double>{15.0, 15.0, 5.0, 5.0});
  CHECK(r.topk_load.at(1) == std::vector<double>{10.0, 10.0, 10.0, 10.0});
  // Row of source expert 0 (8, 4) -> rows 0 and 1 of the copies: (2, 2, 1, 1) each; the total
  // count is unchanged. An unmeasured top-1 matrix stays empty.
  const auto& t = r.pairs.at(0).topk;
  REQUIRE(t.size() == 16);
  CHECK(std::vector<double>(t.begin(), t.begin() + 4) == std::vector<double>{2, 2, 1, 1});
  CHECK(std::vector<double>(t.begin() + 4, t.begin() + 8) == std::vector<double>{2, 2, 1, 1});
  CHECK(std::vector<double>(t.begin() + 8, t.begin() + 12) == std::vector<double>{0, 0, 3, 3});
  CHECK(r.pairs.at(0).top1.empty());
}

TEST_CASE("reshaping keeps the shape when the counts already match", "[measured_reshape]") {
  const MeasuredRouting same = reshape_measured_routing(two_experts(), 2, 1);
  CHECK(same.topk_load == two_experts().topk_load);
  CHECK(same.pairs.at(0).topk == two_experts().pairs.at(0).topk);
}

TEST_CASE("reshaping rejects expert counts that are not a whole multiple", "[measured_reshape]") {
  CHECK_THROWS_AS(reshape_measured_routing(two_experts(), 3, 1), std::invalid_argument);
  CHECK_THROWS_AS(reshape_measured_routing(two_experts(), 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(reshape_measured_routing(two_experts(), 4, 5), std::invalid_argument);
}
