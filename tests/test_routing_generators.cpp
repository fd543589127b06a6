#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include "sim/rng.h"
#include "traces/alias_table.h"
#include "traces/synthetic/dirichlet_popularity.h"
#include "traces/synthetic/k_distribution.h"
#include "traces/synthetic/random_transitions.h"
#include "traces/synthetic/synthetic_routing.h"
#include "traces/synthetic/zipf_popularity.h"
#include "traces/trace_generator.h"

using namespace moesim;

namespace {

SyntheticRoutingParts zipf_parts(uint32_t experts, uint32_t k, double skew, RngStream& structure) {
  SyntheticRoutingParts parts;
  parts.num_experts = experts;
  parts.k = KDistribution::fixed(k);
  parts.popularity =
      std::make_unique<ZipfPopularity>(experts, std::vector<double>{skew}, structure);
  return parts;
}

std::vector<uint64_t> loads_of(const TokenRouting& r) {
  return r.expert_loads();
}

}  // namespace

TEST_CASE("AliasTable samples each value with its weight's share", "[routing]") {
  const std::vector<double> weights{1.0, 0.0, 3.0, 6.0};
  const AliasTable table(weights);
  RngStream rng(5);
  std::vector<int> counts(4, 0);
  constexpr int kDraws = 200'000;
  for (int i = 0; i < kDraws; ++i) ++counts[table.sample(rng)];
  // shares 0.1, 0, 0.3, 0.6; standard error at most 0.0011, tolerance 0.006
  CHECK(counts[1] == 0);
  CHECK(counts[0] / double(kDraws) == Approx(0.1).margin(0.006));
  CHECK(counts[2] / double(kDraws) == Approx(0.3).margin(0.006));
  CHECK(counts[3] / double(kDraws) == Approx(0.6).margin(0.006));
  CHECK_THROWS_AS(AliasTable(std::vector<double>{0.0, 0.0}), std::invalid_argument);
}

TEST_CASE("KDistribution with a mean hits the mean and stays in its range", "[routing]") {
  const KDistribution k = KDistribution::with_mean(2, 8, 4.5);
  CHECK(k.mean() == Approx(4.5).epsilon(1e-9));
  CHECK(k.min() == 2);
  CHECK(k.max() == 8);
  RngStream rng(1);
  double sum = 0.0;
  for (int i = 0; i < 100'000; ++i) {
    const uint32_t x = k.sample(rng);
    REQUIRE(x >= 2);
    REQUIRE(x <= 8);
    sum += x;
  }
  CHECK(sum / 100'000 == Approx(4.5).margin(0.03));
  CHECK_THROWS_AS(KDistribution::with_mean(2, 8, 9.0), std::invalid_argument);
  const std::vector<double> p{0.25, 0.0, 0.75};
  CHECK(KDistribution::explicit_probabilities(0, p).mean() == Approx(1.5));
}

TEST_CASE("Zipf routing picks k distinct experts and loads ranks by the power law", "[routing]") {
  RngStream structure(11), tokens(12);
  SyntheticRouting g(zipf_parts(16, 4, 1.2, structure), tokens);
  TokenRouting r;
  g.generate(0, 50'000, r);
  for (size_t t = 0; t < r.tokens(); ++t) {
    const auto c = r.choices(t);
    REQUIRE(c.size() == 4);
    REQUIRE(std::set<uint32_t>(c.begin(), c.end()).size() == 4);
  }
  std::vector<uint64_t> loads = loads_of(r);
  std::sort(loads.rbegin(), loads.rend());
  // Skewed: the busiest expert carries several times the quietest (uniform would be ~1).
  CHECK(double(loads.front()) / double(loads.back()) > 4.0);
  // Without replacement the top expert is capped at one choice per token.
  CHECK(loads.front() <= 50'000);
}

TEST_CASE("Zipf skew 0 is uniform and popular experts differ between layers", "[routing]") {
  RngStream structure(3), tokens(4);
  SyntheticRouting uniform(zipf_parts(8, 2, 0.0, structure), tokens);
  TokenRouting r;
  uniform.generate(0, 80'000, r);
  for (const uint64_t load : loads_of(r)) CHECK(load == Approx(20'000).epsilon(0.03));

  RngStream s2(9), t2(10);
  SyntheticRouting skewed(zipf_parts(64, 1, 2.0, s2), t2);
  std::vector<uint32_t> hottest;
  for (uint32_t layer = 0; layer < 4; ++layer) {
    skewed.generate(layer, 5'000, r);
    const auto loads = loads_of(r);
    hottest.push_back(
        static_cast<uint32_t>(std::max_element(loads.begin(), loads.end()) - loads.begin()));
  }
  // Four seeded permutations of 64 experts: the chance that all agree is 64^-3.
  CHECK(std::set<uint32_t>(hottest.begin(), hottest.end()).size() > 1);
}

TEST_CASE("The same seed gives the same routing, another seed different routing", "[routing]") {
  const auto run = [](uint64_t seed) {
    RngStreams streams(seed);
    SyntheticRoutingParts parts = zipf_parts(32, 4, 1.0, streams.stream("routing.popularity"));
    parts.cross_layer =
        std::make_unique<RandomTransitions>(32, 0.3, 0.5, streams.stream("routing.transitions"));
    parts.temporal_reuse = 0.3;
    SyntheticRouting g(std::move(parts), streams.stream("routing"));
    std::vector<uint32_t> all;
    TokenRouting r;
    for (uint32_t layer = 0; layer < 3; ++layer) {
      g.generate(layer, 1000, r);
      all.insert(all.end(), r.experts.begin(), r.experts.end());
    }
    return all;
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
}

TEST_CASE("Dirichlet popularity changes every segment and concentrates load within one",
          "[routing]") {
  RngStream structure(21), tokens(22);
  SyntheticRoutingParts parts;
  parts.num_experts = 32;
  parts.k = KDistribution::fixed(1);
  parts.popularity = std::make_unique<DirichletPopularity>(32, 0.1, 1000, structure);
  SyntheticRouting g(std::move(parts), tokens);
  TokenRouting r;
  g.generate(0, 2000, r);
  std::vector<uint64_t> first(32, 0), second(32, 0);
  for (size_t t = 0; t < 2000; ++t) ++(t < 1000 ? first : second)[r.choices(t)[0]];
  // alpha 0.1 over 32 experts: the hottest expert of a segment takes a large share; with
  // alpha -> infinity it would take about 1/32.
  CHECK(*std::max_element(first.begin(), first.end()) > 200);
  CHECK(first != second);
  CHECK_THROWS_AS(DirichletPopularity(8, 0.0, 10, structure), std::invalid_argument);
}

TEST_CASE("Cross-layer transitions make the next layer predictable from the previous",
          "[routing]") {
  const auto agreement = [](double strength) {
    RngStreams streams(5);
    SyntheticRoutingParts parts = zipf_parts(16, 1, 0.0, streams.stream("routing.popularity"));
    parts.cross_layer = std::make_unique<RandomTransitions>(16, 0.05, strength,
                                                            streams.stream("routing.transitions"));
    SyntheticRouting g(std::move(parts), streams.stream("routing"));
    TokenRouting l0, l1;
    g.generate(0, 20'000, l0);
    g.generate(1, 20'000, l1);
    // Accuracy of predicting layer 1 from layer 0 by the most frequent transition.
    std::vector<std::vector<int>> counts(16, std::vector<int>(16, 0));
    for (size_t t = 0; t < 20'000; ++t) ++counts[l0.choices(t)[0]][l1.choices(t)[0]];
    int hits = 0;
    for (const auto& row : counts) hits += *std::max_element(row.begin(), row.end());
    return hits / 20'000.0;
  };
  // Uniform marginal over 16: without dependence the best guess is right about 1/16 of the time.
  CHECK(agreement(0.0) < 0.1);
  CHECK(agreement(1.0) > 0.5);
}

TEST_CASE("Temporal reuse repeats the previous token's choices of the same request", "[routing]") {
  RngStream structure(1), tokens(2);
  SyntheticRoutingParts parts = zipf_parts(64, 2, 0.0, structure);
  parts.temporal_reuse = 0.8;
  SyntheticRouting g(std::move(parts), tokens);
  // Two interleaved requests: reuse must follow the request, not the batch order.
  std::vector<TokenContext> ctx;
  for (uint32_t p = 0; p < 2000; ++p) {
    ctx.push_back({0, 1, p, TokenPhase::prefill});
    ctx.push_back({0, 2, p, TokenPhase::prefill});
  }
  TokenRouting r;
  g.generate_with_context(0, ctx, r);
  int same_request = 0, other_request = 0;
  for (size_t t = 2; t < r.tokens(); ++t) {
    same_request += r.choices(t)[0] == r.choices(t - 2)[0] ? 1 : 0;
    other_request += r.choices(t)[0] == r.choices(t - 1)[0] ? 1 : 0;
  }
  const double n = static_cast<double>(r.tokens() - 2);
  CHECK(same_request / n > 0.75);  // 0.8 plus chance
  CHECK(other_request / n < 0.2);
}

TEST_CASE("Dynamic k draws the number of experts per token", "[routing]") {
  RngStream structure(1), tokens(2);
  SyntheticRoutingParts parts = zipf_parts(16, 1, 0.5, structure);
  const std::vector<double> p{0.5, 0.0, 0.5};  // k = 0 (null expert only) or k = 2
  parts.k = KDistribution::explicit_probabilities(0, p);
  SyntheticRouting g(std::move(parts), tokens);
  TokenRouting r;
  g.generate(0, 10'000, r);
  int zero = 0;
  for (size_t t = 0; t < r.tokens(); ++t) {
    const size_t k = r.choices(t).size();
    REQUIRE((k == 0 || k == 2));
    zero += k == 0 ? 1 : 0;
  }
  CHECK(zero == Approx(5000).margin(250));
}

TEST_CASE("TraceGenerator writes one record per token and layer with the token's context",
          "[routing]") {
  RngStream structure(1), tokens(2);
  SyntheticRouting g(zipf_parts(8, 2, 1.0, structure), tokens);
  TraceGenerator trace(g, 3);
  RoutingBatch out;
  trace.generate(TraceGenerator::prefill_tokens(10, 2, 4, 7), out);
  REQUIRE(out.size() == 2 * 4 * 3);
  const RoutingRecordView last = out.record(out.size() - 1);
  CHECK(last.request == 11);
  CHECK(last.position == 3);
  CHECK(last.layer == 2);
  CHECK(last.step == 7);
  CHECK(last.experts.size() == 2);
}
