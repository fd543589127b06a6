#include <catch2/catch.hpp>

#include "cli/validation/routing_suite.h"
#include "traces/calibration/measured_routing.h"
#include "traces/metrics/crosslayer_predictability.h"
#include "traces/metrics/layer_load_stats.h"

using namespace moesim;

TEST_CASE("Shipped routing statistics give the headline figures of target 8", "[routing]") {
  const auto all = load_measured_routing(default_routing_stats_dir());
  // ../shared/data/README.md target 8 and the data's PROVENANCE.md.
  const MeasuredRouting& olmoe_arxiv = all.at({"OLMoE-1B-7B", "arxiv"});
  CHECK(summarise_loads(olmoe_arxiv.topk_load.at(0)).max_over_mean == Approx(7.81).margin(0.005));
  const auto coverage = coverage_curve(olmoe_arxiv.topk_load.at(0));
  CHECK(coverage[15] == Approx(0.47).margin(0.005));
  CHECK(coverage[31] == Approx(0.70).margin(0.005));
  const MeasuredRouting& mixtral = all.at({"Mixtral-8x7B", "arxiv"});
  const Predictability p = predictability_from_counts(mixtral.pairs.at(1).top1, 8);
  REQUIRE(mixtral.pairs.at(1).from == 7);
  CHECK(p.accuracy == Approx(0.294).margin(0.0005));
  CHECK(p.baseline == Approx(0.176).margin(0.0005));
}

TEST_CASE("whole suite: routing validation: the calibrated generator is within 10% of every target",
          "[routing][validation]") {
  const RoutingSuiteReport report = run_routing_suite(default_routing_stats_dir());
  // Mixtral: 5 domains x (3 layers x 2 + 2 pairs x 2); OLMoE: 5 x (3 x 3 + 4) + Tulu 3 x 3.
  CHECK(report.rows.size() == 50 + 74);
  for (const ValidationRow& row : report.rows) {
    INFO(row.target << " " << row.metric << " measured " << row.measured << " generated "
                    << row.simulated);
    CHECK(row.pass());
  }
  CHECK(report.goals_met);
}
