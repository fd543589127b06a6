#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/max_min_solver.h"
#include "sim/rng.h"

namespace {

using moesim::MaxMinProblem;
using moesim::MaxMinSolver;

std::vector<double> solve(const MaxMinProblem& problem) {
  MaxMinSolver solver;
  std::vector<double> rates;
  solver.solve(problem, rates);
  return rates;
}

// Per-link load of an allocation.
std::vector<double> link_loads(const MaxMinProblem& problem, const std::vector<double>& rates) {
  std::vector<double> load(problem.capacity.size(), 0.0);
  for (size_t f = 0; f < problem.flow_count(); ++f) {
    for (uint32_t i = problem.flow_offsets[f]; i < problem.flow_offsets[f + 1]; ++i) {
      load[problem.flow_links[i]] += rates[f];
    }
  }
  return load;
}

}  // namespace

TEST_CASE("one flow on one link takes the whole capacity", "[max_min_solver]") {
  MaxMinProblem problem;
  problem.capacity = {100.0};
  problem.add_flow({0});
  const auto rates = solve(problem);
  // One flow, nothing to share with: rate = capacity = 100.
  REQUIRE(rates.size() == 1);
  CHECK(rates[0] == 100.0);
}

TEST_CASE("two flows on one link get half each", "[max_min_solver]") {
  MaxMinProblem problem;
  problem.capacity = {100.0};
  problem.add_flow({0});
  problem.add_flow({0});
  const auto rates = solve(problem);
  // 100 shared by 2 = 50 each.
  REQUIRE(rates.size() == 2);
  CHECK(rates[0] == 50.0);
  CHECK(rates[1] == 50.0);
}

TEST_CASE("a flow held back by a narrow link leaves the rest of the wide links to others",
          "[max_min_solver]") {
  // Three links in a line: narrow (1), wide (10), wide (10). A long flow crosses all three; one
  // short flow sits on each link.
  MaxMinProblem problem;
  problem.capacity = {1.0, 10.0, 10.0};
  problem.add_flow({0, 1, 2});  // long
  problem.add_flow({0});        // short on the narrow link
  problem.add_flow({1});        // short on the first wide link
  problem.add_flow({2});        // short on the second wide link
  const auto rates = solve(problem);
  REQUIRE(rates.size() == 4);
  // The narrow link is the first bottleneck: 1 / 2 flows = 0.5 for the long flow and its short
  // neighbour there.
  CHECK(rates[0] == 0.5);
  CHECK(rates[1] == 0.5);
  // Each wide link keeps 10 - 0.5 = 9.5 for its own short flow.
  CHECK(rates[2] == 9.5);
  CHECK(rates[3] == 9.5);
}

TEST_CASE("flows crossing several links are limited by their tightest link", "[max_min_solver]") {
  MaxMinProblem problem;
  problem.capacity = {5.0, 3.0, 7.0, 8.0};
  problem.add_flow({0, 1, 2});  // alone on links 0..2
  problem.add_flow({3, 2});     // shares link 2 with flow 0
  problem.add_flow({3});        // shares link 3 with flow 1
  const auto rates = solve(problem);
  REQUIRE(rates.size() == 3);
  // Flow 0: min over its links of the fair share; link 1 gives 3 / 1 = 3 (link 2 would give
  // 7 / 2 = 3.5, link 0 gives 5).
  CHECK(rates[0] == 3.0);
  // Link 2 then has 7 - 3 = 4 for flow 1; link 3 offers 8 / 2 = 4 too: flow 1 = 4.
  CHECK(rates[1] == 4.0);
  // Link 3 leaves 8 - 4 = 4 for flow 2.
  CHECK(rates[2] == 4.0);
}

TEST_CASE("unequal capacities fill in several rounds", "[max_min_solver]") {
  // Links: 0 cap 2, 1 cap 10, 2 cap 6. Flows: a {0,1}, b {1}, c {1,2}, d {2}.
  MaxMinProblem problem;
  problem.capacity = {2.0, 10.0, 6.0};
  problem.add_flow({0, 1});
  problem.add_flow({1});
  problem.add_flow({1, 2});
  problem.add_flow({2});
  const auto rates = solve(problem);
  REQUIRE(rates.size() == 4);
  // Round 1: shares are 2/1, 10/3, 6/2; link 0 is tightest, a = 2.
  CHECK(rates[0] == 2.0);
  // Round 2: link 1 has 8 left for 2 flows (4 each), link 2 has 6 for 2 (3 each): c = d = 3.
  CHECK(rates[2] == 3.0);
  CHECK(rates[3] == 3.0);
  // Round 3: link 1 keeps 10 - 2 - 3 = 5 for b.
  CHECK(rates[1] == 5.0);
}

TEST_CASE("a flow with no links gets rate 0 and takes nothing from others", "[max_min_solver]") {
  MaxMinProblem problem;
  problem.capacity = {40.0};
  problem.add_flow({});
  problem.add_flow({0});
  const auto rates = solve(problem);
  REQUIRE(rates.size() == 2);
  // No link, no rate.
  CHECK(rates[0] == 0.0);
  // The other flow is alone on its link: 40.
  CHECK(rates[1] == 40.0);
}

TEST_CASE("a solver reused on a smaller problem forgets the larger one", "[max_min_solver]") {
  MaxMinSolver solver;
  std::vector<double> rates;
  MaxMinProblem big;
  big.capacity = {1.0, 2.0, 3.0};
  for (int i = 0; i < 5; ++i) big.add_flow({0, 1, 2});
  solver.solve(big, rates);
  // Link 0 is tightest: 1 / 5 each.
  REQUIRE(rates.size() == 5);
  CHECK(rates[4] == Approx(0.2));

  MaxMinProblem small;
  small.capacity = {9.0};
  small.add_flow({0});
  small.add_flow({0});
  small.add_flow({0});
  solver.solve(small, rates);
  // 9 / 3 = 3 each, and exactly three rates.
  REQUIRE(rates.size() == 3);
  CHECK(rates[0] == 3.0);
  CHECK(rates[2] == 3.0);
}

TEST_CASE("a random problem gets a feasible max-min allocation", "[max_min_solver]") {
  constexpr uint32_t kLinks = 40;
  constexpr uint32_t kFlows = 200;
  constexpr double kRelTol = 1e-9;
  moesim::RngStreams streams(20240611);
  moesim::RngStream& rng = streams.stream("max_min_solver_test");

  MaxMinProblem problem;
  for (uint32_t l = 0; l < kLinks; ++l) problem.capacity.push_back(1.0 + 99.0 * rng.uniform01());
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> links;
  for (uint32_t f = 0; f < kFlows; ++f) {
    const auto hops = static_cast<uint32_t>(1 + rng.uniform_int(4));
    rng.sample_distinct(kLinks, hops, scratch, links);
    problem.add_flow(links);
  }
  const auto rates = solve(problem);
  REQUIRE(rates.size() == kFlows);
  const auto load = link_loads(problem, rates);

  // Feasible: no link carries more than its capacity (up to rounding).
  for (uint32_t l = 0; l < kLinks; ++l) {
    INFO("link " << l);
    CHECK(load[l] <= problem.capacity[l] * (1.0 + kRelTol));
  }

  // Max-min: every flow has a bottleneck, a saturated link on which no flow is faster than it.
  // Then raising it would need lowering a flow that is no faster, so the allocation is fair.
  for (uint32_t f = 0; f < kFlows; ++f) {
    INFO("flow " << f);
    CHECK(rates[f] > 0.0);
    bool has_bottleneck = false;
    for (uint32_t i = problem.flow_offsets[f]; i < problem.flow_offsets[f + 1]; ++i) {
      const uint32_t l = problem.flow_links[i];
      const bool saturated = load[l] >= problem.capacity[l] * (1.0 - kRelTol);
      double fastest_on_link = 0.0;
      for (uint32_t g = 0; g < kFlows; ++g) {
        const auto first = problem.flow_links.begin() + problem.flow_offsets[g];
        const auto last = problem.flow_links.begin() + problem.flow_offsets[g + 1];
        if (std::find(first, last, l) != last)
          fastest_on_link = std::max(fastest_on_link, rates[g]);
      }
      if (saturated && rates[f] >= fastest_on_link * (1.0 - kRelTol)) has_bottleneck = true;
    }
    CHECK(has_bottleneck);
  }
}
