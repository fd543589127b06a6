// Count-level routing: the inclusion probabilities it starts from, the count chain, and where
// generators draw counts (RoutingGenerator::generate_counts). Statistical agreement with
// per-token drawing: test_count_level_agreement.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "sim/rng.h"
#include "traces/expert_count_chain.h"
#include "traces/round_robin_routing.h"
#include "traces/routing_params.h"
#include "traces/synthetic/routing_from_spec.h"
#include "traces/synthetic/successive_inclusion.h"

using namespace moesim;

namespace {

/// Inclusion probabilities of successive sampling by enumerating every ordered choice.
void enumerate(const std::vector<double>& first, const std::vector<double>& rest, uint32_t k,
               std::vector<uint32_t>& chosen, double probability, std::vector<double>& out) {
  if (chosen.size() == k) {
    for (const uint32_t e : chosen) out[e] += probability;
    return;
  }
  const std::vector<double>& w = chosen.empty() ? first : rest;
  double free = 0.0;
  for (uint32_t e = 0; e < w.size(); ++e) {
    if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) free += w[e];
  }
  for (uint32_t e = 0; e < w.size(); ++e) {
    if (w[e] == 0.0 || std::find(chosen.begin(), chosen.end(), e) != chosen.end()) continue;
    chosen.push_back(e);
    enumerate(first, rest, k, chosen, probability * w[e] / free, out);
    chosen.pop_back();
  }
}

std::vector<TokenContext> contexts(uint32_t tokens) {
  std::vector<TokenContext> out(tokens);
  for (uint32_t t = 0; t < tokens; ++t) out[t].request = t;
  return out;
}

std::vector<double> normalised(std::vector<double> w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= total;
  return w;
}

}  // namespace

TEST_CASE("Successive-sampling inclusion probabilities match enumeration", "[routing][counts]") {
  RngStream rng(17);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<double> first(6), rest(6);
    for (size_t e = 0; e < 6; ++e) {
      first[e] = std::pow(rng.uniform01(), 3.0);  // skewed, some near 0
      rest[e] = std::pow(rng.uniform01(), 3.0);
    }
    rest[trial % 6] = 0.0;  // an expert only ever first
    first = normalised(first);
    rest = normalised(rest);
    for (uint32_t k = 1; k <= 5; ++k) {
      std::vector<double> exact(6, 0.0);
      std::vector<uint32_t> chosen;
      enumerate(first, rest, k, chosen, 1.0, exact);
      const std::vector<double> computed = successive_sampling_inclusion(first, rest, k);
      REQUIRE(computed.size() == 6);
      for (size_t e = 0; e < 6; ++e) {
        INFO("trial " << trial << " k " << k << " expert " << e);
        CHECK(computed[e] == Approx(exact[e]).margin(1e-12));
      }
      CHECK(std::accumulate(computed.begin(), computed.end(), 0.0) == Approx(k).margin(1e-12));
    }
  }
  // Fewer experts with rest weight than k: per-token drawing falls back to uniform choices.
  CHECK(successive_sampling_inclusion(normalised({1, 1, 1}), normalised({1, 0, 0}), 3).empty());
  CHECK(successive_sampling_inclusion(normalised({1, 1}), normalised({1, 1}), 3).empty());
}

TEST_CASE("The count chain places N k choices, at most N per expert, with exact means",
          "[routing][counts]") {
  // Certain experts (pi = 1), impossible ones (pi = 0) and everything between.
  const std::vector<double> inclusion{1.0, 0.0, 0.9, 0.05, 0.4, 0.65, 1.0, 0.0, 0.0, 0.0};
  const auto chain = ExpertCountChain::build(inclusion, 4);
  REQUIRE(chain);
  CHECK_FALSE(ExpertCountChain::build(inclusion, 3));  // the probabilities sum to 4
  CHECK_FALSE(ExpertCountChain::build(std::vector<double>{0.5, 0.5}, 0));
  RngStream rng(3);
  std::vector<double> sum(inclusion.size(), 0.0);
  constexpr int kBatches = 20'000;
  for (const uint64_t tokens : {1, 2, 7, 100}) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int b = 0; b < kBatches; ++b) {
      std::vector<uint64_t> counts(inclusion.size(), 0);
      chain->draw(tokens, rng, counts);
      REQUIRE(std::accumulate(counts.begin(), counts.end(), uint64_t{0}) == 4 * tokens);
      for (size_t e = 0; e < counts.size(); ++e) {
        REQUIRE(counts[e] <= tokens);
        sum[e] += static_cast<double>(counts[e]);
      }
    }
    for (size_t e = 0; e < inclusion.size(); ++e) {
      const double n = static_cast<double>(tokens);
      const double sd = std::sqrt(n * inclusion[e] * (1.0 - inclusion[e]) / kBatches);
      INFO("tokens " << tokens << " expert " << e);
      CHECK(sum[e] / kBatches == Approx(n * inclusion[e]).margin(5.0 * sd + 1e-12));
    }
  }
}

TEST_CASE("With one choice per token the count chain is multinomial", "[routing][counts]") {
  const std::vector<double> p{0.5, 0.2, 0.2, 0.1};
  const auto chain = ExpertCountChain::build(p, 1);
  REQUIRE(chain);
  RngStream rng(9);
  constexpr int kBatches = 50'000;
  constexpr double kTokens = 30.0;
  std::vector<double> sum(4, 0.0), square(4, 0.0);
  double cross = 0.0;  // experts 0 and 1
  for (int b = 0; b < kBatches; ++b) {
    std::vector<uint64_t> counts(4, 0);
    chain->draw(30, rng, counts);
    for (size_t e = 0; e < 4; ++e) {
      sum[e] += static_cast<double>(counts[e]);
      square[e] += static_cast<double>(counts[e] * counts[e]);
    }
    cross += static_cast<double>(counts[0] * counts[1]);
  }
  for (size_t e = 0; e < 4; ++e) {
    const double mean = sum[e] / kBatches;
    CHECK(mean == Approx(kTokens * p[e]).epsilon(0.01));
    CHECK(square[e] / kBatches - mean * mean == Approx(kTokens * p[e] * (1 - p[e])).epsilon(0.03));
  }
  const double covariance = cross / kBatches - (sum[0] / kBatches) * (sum[1] / kBatches);
  CHECK(covariance == Approx(-kTokens * p[0] * p[1]).epsilon(0.05));
}

TEST_CASE("Round-robin counts equal the counted per-token choices", "[routing][counts]") {
  for (const auto& [experts, k] :
       std::vector<std::pair<uint32_t, uint32_t>>{{10, 3}, {8, 8}, {5, 1}}) {
    RoundRobinRouting routing({experts, k});
    for (const uint32_t tokens : {0u, 1u, 4u, 9u, 10u, 11u, 37u}) {
      TokenRouting r;
      routing.generate(0, tokens, r);
      std::vector<uint64_t> counts;
      REQUIRE(routing.generate_counts(0, contexts(tokens), counts));
      CHECK(counts == r.expert_loads());
    }
  }
}

TEST_CASE("Count-level routing is declined where a choice depends on another token or layer",
          "[routing][counts]") {
  std::vector<uint64_t> counts{7};
  const std::vector<TokenContext> batch = contexts(512);
  RngStreams seeds(5);
  SECTION("temporal reuse, random transitions, drifting popularity, a small batch") {
    for (int variant = 0; variant < 4; ++variant) {
      SyntheticRoutingSpec spec;
      spec.popularity = variant == 2 ? PopularityKind::dirichlet : PopularityKind::zipf;
      if (variant == 0) spec.temporal_reuse = 0.2;
      if (variant == 1) spec.transition_strength = 0.5;
      const auto g = make_routing_from_spec({32, 4}, spec, seeds);
      const std::vector<TokenContext> used =
          variant == 3 ? contexts(31) : batch;  // 31 x 4 < 4 x 32
      INFO("variant " << variant);
      CHECK_FALSE(g->generate_counts(0, used, counts));
      CHECK(counts == std::vector<uint64_t>{7});
    }
  }
  SECTION("calibrated with measured transitions 0 -> 7 -> 15: those layers per token") {
    CalibratedRoutingSpec spec;
    spec.model = "OLMoE-1B-7B";
    spec.domain = "c4";
    const auto g = make_routing_from_spec({64, 8}, spec, seeds);
    TokenRouting r;
    for (uint32_t layer = 0; layer < 16; ++layer) {
      const bool drawn = g->generate_counts(layer, batch, counts);
      INFO("layer " << layer);
      CHECK(drawn == (layer != 0 && layer != 7 && layer != 15));
      if (!drawn) g->generate_with_context(layer, batch, r);
    }
  }
  SECTION("a declined call changes nothing: the per-token draws that follow are the same") {
    SyntheticRoutingSpec spec;
    spec.temporal_reuse = 0.3;
    RngStreams seeds_a(9), seeds_b(9);
    const auto a = make_routing_from_spec({32, 4}, spec, seeds_a);
    const auto b = make_routing_from_spec({32, 4}, spec, seeds_b);
    TokenRouting ra, rb;
    for (uint32_t layer = 0; layer < 3; ++layer) {
      CHECK_FALSE(a->generate_counts(layer, batch, counts));
      a->generate_with_context(layer, batch, ra);
      b->generate_with_context(layer, batch, rb);
      CHECK(ra.experts == rb.experts);
    }
  }
}

TEST_CASE("Count-level routing is deterministic for a seed", "[routing][counts]") {
  SyntheticRoutingSpec spec;
  spec.popularity = PopularityKind::zipf;
  spec.k = DynamicK{1, 8, 3.0};
  RngStreams seeds_a(12), seeds_b(12);
  const auto a = make_routing_from_spec({64, 4}, spec, seeds_a);
  const auto b = make_routing_from_spec({64, 4}, spec, seeds_b);
  std::vector<uint64_t> ca, cb;
  for (uint32_t layer = 0; layer < 4; ++layer) {
    REQUIRE(a->generate_counts(layer, contexts(300), ca));
    REQUIRE(b->generate_counts(layer, contexts(300), cb));
    CHECK(ca == cb);
  }
}
