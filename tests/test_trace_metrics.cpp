#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sim/config_error.h"
#include "traces/memory_trace_reader.h"
#include "traces/metrics/crosslayer_predictability.h"
#include "traces/metrics/layer_load_stats.h"
#include "traces/metrics/segment_cache_hits.h"
#include "traces/metrics/segment_routing_performance.h"
#include "traces/metrics/trace_stats.h"

using namespace moesim;

namespace {

/// One request's tokens at one layer, one expert per token unless given more.
RoutingBatch sequence(uint32_t layer, const std::vector<std::vector<uint32_t>>& choices,
                      uint64_t request = 0) {
  RoutingBatch b;
  for (uint32_t p = 0; p < choices.size(); ++p) {
    b.push({0, request, p, TokenPhase::prefill, layer, choices[p], {}});
  }
  return b;
}

}  // namespace

TEST_CASE("Load summary and coverage curve of hand-computed loads", "[metrics]") {
  const std::vector<double> loads{1.0, 2.0, 3.0, 6.0};  // mean 3
  const LoadSummary s = summarise_loads(loads);
  CHECK(s.max_over_mean == Approx(2.0));
  CHECK(s.min_over_mean == Approx(1.0 / 3.0));
  CHECK(s.coefficient_of_variation == Approx(std::sqrt(3.5) / 3.0));  // variance (4+1+0+9)/4
  const std::vector<double> curve = coverage_curve(std::vector<double>{1.0, 3.0, 6.0});
  REQUIRE(curve.size() == 3);
  CHECK(curve[0] == Approx(0.6));
  CHECK(curve[1] == Approx(0.9));
  CHECK(curve[2] == Approx(1.0));
}

TEST_CASE("Co-activation counts each pair a token chose once", "[metrics]") {
  LayerLoadStats stats(4);
  const std::vector<uint32_t> a{2, 0, 3}, b{0, 2};
  stats.add(1, a);
  stats.add(1, b);
  const auto& co = stats.coactivation(1);
  CHECK(co[0 * 4 + 2] == 2);
  CHECK(co[0 * 4 + 3] == 1);
  CHECK(co[2 * 4 + 3] == 1);
  CHECK(co[1 * 4 + 2] == 0);
  CHECK(stats.loads(1) == std::vector<uint64_t>{2, 0, 2, 1});
  CHECK(stats.tokens(1) == 2);
}

TEST_CASE("Predictability from counts is the row-maximum share against the column maximum",
          "[metrics]") {
  const std::vector<double> counts{3, 1, 0, 4};  // row: expert at i, column: expert at j
  const Predictability p = predictability_from_counts(counts, 2);
  CHECK(p.accuracy == Approx(7.0 / 8.0));
  CHECK(p.baseline == Approx(5.0 / 8.0));
  CHECK(p.pairs == 8.0);
}

TEST_CASE("Cross-layer predictability pairs the r-th choices of the same token", "[metrics]") {
  CrossLayerPredictability cross(4, {{0, 2}});
  RoutingBatch b;
  const std::vector<uint32_t> l0{1, 3}, l2{2, 0}, other{3};
  b.push({0, 5, 0, TokenPhase::prefill, 0, l0, {}});
  b.push({0, 5, 0, TokenPhase::prefill, 2, l2, {}});
  b.push({0, 6, 0, TokenPhase::prefill, 2, other, {}});  // no layer-0 record: ignored
  for (size_t i = 0; i < b.size(); ++i) cross.add(b.record(i));
  const auto& top1 = cross.top1_counts(0);
  const auto& all = cross.all_counts(0);
  CHECK(top1[1 * 4 + 2] == 1.0);
  CHECK(all[1 * 4 + 2] == 1.0);
  CHECK(all[3 * 4 + 0] == 1.0);
  double total = 0.0;
  for (const double x : all) total += x;
  CHECK(total == 2.0);  // zipped, not the 2 x 2 product
}

TEST_CASE("SRP of a hand-computed sequence", "[metrics]") {
  // m = 2: segments {0, 0} and {1, 2}. P = 1: matches 2 + 1, predictions 1*2*2, actual 4,
  // F1 = 6/8; P = 2: matches 4, predictions 8, F1 = 8/12. The partial last segment {3} is left out.
  SegmentRoutingPerformance srp(4, {2});
  const RoutingBatch b = sequence(0, {{0}, {0}, {1}, {2}, {3}});
  for (size_t i = 0; i < b.size(); ++i) srp.add(b.record(i));
  const SrpResult r = srp.result(0, 0);
  CHECK(r.segments == 2);
  CHECK(r.best_p == 1);
  CHECK(r.srp == Approx(0.75));
  CHECK(srp.result_all_layers(0).srp == Approx(0.75));
}

TEST_CASE("SCH keeps the expert the next tokens need, unlike LRU", "[metrics]") {
  // 3 experts, cache of 2, window 2. Sequence 0 1 2 0 0 ...: at token 2 the cache {0, 1} must
  // evict; LRU would evict 0, the window oracle sees 0 coming back and evicts 1.
  SegmentCacheHits sch(3, {2});
  const RoutingBatch b = sequence(0, {{0}, {1}, {2}, {0}, {0}});
  for (size_t i = 0; i < b.size(); ++i) sch.add(b.record(i));
  sch.finish();
  const auto rates = sch.hit_rates(0, 0);
  REQUIRE(rates.size() == 3);
  // C = 2: first uses of 0 and 1 fill the cache (hits by the pre-filled convention), 2 misses,
  // then 0 hits twice: 4 of 5.
  CHECK(rates[1] == Approx(4.0 / 5.0));
  CHECK(rates[2] == Approx(1.0));  // C = E always hits
  CHECK(rates[0] <= rates[1]);
}

TEST_CASE("Trace stats read a trace through TraceReader and write every file", "[metrics]") {
  RoutingBatch records = sequence(0, {{0, 1}, {0, 2}, {0, 1}, {3, 0}});
  const RoutingBatch layer1 = sequence(1, {{1, 0}, {1, 2}, {1, 0}, {2, 3}});
  for (size_t i = 0; i < layer1.size(); ++i) records.push(layer1.record(i));
  MemoryTraceReader reader({"test", 2, 4, 2, ScoreLayout::none}, records);
  TraceStatsOptions options;
  options.batch_records = 3;  // several reads
  const TraceStats stats = compute_trace_stats(reader, options);
  REQUIRE(stats.files.size() == 7);
  // Layer 0 loads 4, 2, 1, 1 (mean 2): max/mean 2.
  CHECK(stats.files.at("layer_loads.csv").find("0,4,8,2,0.5,") != std::string::npos);
  // Every token's first choice at layer 0 is expert 0 or 3, at layer 1 expert 1 or 2.
  CHECK(stats.files.at("crosslayer.csv").find("0,1,top1,4,1,0.75") != std::string::npos);
  CHECK(stats.summary.find("max/mean 2.000") != std::string::npos);
}

TEST_CASE("Trace stats reject an expert beyond the header with a ConfigError", "[metrics]") {
  MemoryTraceReader reader({"test", 1, 4, 1, ScoreLayout::none}, sequence(0, {{7}}));
  CHECK_THROWS_AS(compute_trace_stats(reader), ConfigError);
}
