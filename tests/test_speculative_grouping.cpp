// Speculative expert grouping (s-EG, arXiv 2503.04398): the co-activation sampler, the
// expected ranks a token touches, and the placement on planted cliques and skewed loads.

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "cli/app/strategy_loader.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/placement/contiguous.h"
#include "models/strategies/placement/expected_ranks_touched.h"
#include "models/strategies/placement/load_balanced.h"
#include "models/strategies/placement/speculative_grouping.h"
#include "models/strategies/strategy_catalog.h"
#include "traces/coactivation_sampler.h"
#include "traces/round_robin_routing.h"

using moesim::ExpertPlacement;
using moesim::PlacementContext;
using moesim::SpeculativeGroupingParams;
using moesim::SpeculativeGroupingPlacement;

namespace {

/// Every token chooses one whole clique: token t takes clique c with c the first whose
/// cumulative weight exceeds t mod (sum of weights). At layer 0 clique c is the interleaved
/// {c, c + G, c + 2G, ...} (G cliques), at layer 1 the block {cS, ..., cS + S - 1} (size S).
class CliqueRouting final : public moesim::RoutingGenerator {
 public:
  CliqueRouting(uint32_t size, std::vector<uint32_t> weights)
      : size_(size), weights_(std::move(weights)) {}
  void generate(uint32_t layer, uint32_t tokens, moesim::TokenRouting& out) override {
    const auto cliques = static_cast<uint32_t>(weights_.size());
    const uint32_t sum = std::accumulate(weights_.begin(), weights_.end(), 0u);
    out.clear(cliques * size_);
    for (uint32_t t = 0; t < tokens; ++t) {
      uint32_t c = 0, below = weights_[0];
      while (t % sum >= below) below += weights_[++c];
      for (uint32_t i = 0; i < size_; ++i) {
        out.experts.push_back(layer == 0 ? c + i * cliques : c * size_ + i);
      }
      out.close_token();
    }
  }

 private:
  uint32_t size_;
  std::vector<uint32_t> weights_;
};

/// Each rank's expert tokens (the co-activation diagonal) max over mean.
double load_max_over_mean(const ExpertPlacement& p, const std::vector<double>& coactivation) {
  const size_t experts = p.ranks_of_expert.size();
  std::vector<double> rank(p.ranks, 0.0);
  for (size_t e = 0; e < experts; ++e)
    rank[p.ranks_of_expert[e][0]] += coactivation[e * experts + e];
  const double mean = std::accumulate(rank.begin(), rank.end(), 0.0) / p.ranks;
  return *std::max_element(rank.begin(), rank.end()) / mean;
}

ExpertPlacement grouping(const PlacementContext& c, SpeculativeGroupingParams params = {}) {
  return SpeculativeGroupingPlacement(params).place(c);
}

}  // namespace

TEST_CASE("co-activation sampled from round-robin routing is exact", "[placement][coactivation]") {
  // Token t picks t, t+1, t+2 (mod 8): in each turn of 8 tokens an expert is chosen 3 times,
  // a pair 1 apart by 2 tokens, 2 apart by 1, farther apart by none. 65552 tokens cross the
  // sampler's 65536-token batch (round robin restarts t there, on a whole turn).
  moesim::RoundRobinRouting routing({8, 3});
  for (const uint64_t tokens : {uint64_t{16}, uint64_t{65552}}) {
    INFO(tokens);
    const double turns = static_cast<double>(tokens / 8);
    const auto matrices = moesim::sample_coactivation(routing, tokens, 2, 8);
    REQUIRE(matrices.size() == 2);
    for (const auto& m : matrices) {
      REQUIRE(m.size() == 64);
      for (uint32_t i = 0; i < 8; ++i) {
        for (uint32_t j = 0; j < 8; ++j) {
          const uint32_t apart = std::min((i + 8 - j) % 8, (j + 8 - i) % 8);
          const double per_turn = apart == 0 ? 3 : apart == 1 ? 2 : apart == 2 ? 1 : 0;
          CHECK(m[i * 8 + j] == per_turn * turns);
        }
      }
    }
  }
  CHECK_THROWS_AS(moesim::sample_coactivation(routing, 16, 1, 4), std::invalid_argument);
}

TEST_CASE("speculative_grouping recovers planted cliques: one rank per token against four",
          "[placement][coactivation]") {
  // 16 experts, 4 cliques of 4 always chosen together, interleaved at layer 0 ({0,4,8,12}, ...)
  // so contiguous blocks hold one expert of every clique; contiguous cliques at layer 1.
  CliqueRouting routing(4, {1, 1, 1, 1});
  const double tokens = 4000;
  PlacementContext c{16, 4, 0, {}};
  c.coactivation = moesim::sample_coactivation(routing, 4000, 2, 16);
  const ExpertPlacement contiguous = moesim::ContiguousPlacement().place(c);
  for (const uint32_t layer : {0u, 1u}) {
    INFO(layer);
    c.layer = layer;
    const ExpertPlacement p = grouping(c);
    for (uint32_t r = 0; r < 4; ++r) {
      const auto held = p.experts_on(r);
      REQUIRE(held.size() == 4);
      std::set<uint32_t> cliques;
      for (const uint32_t e : held) cliques.insert(layer == 0 ? e % 4 : e / 4);
      CHECK(cliques.size() == 1);
    }
    CHECK(moesim::expected_ranks_touched(p, c.coactivation[layer], tokens) == Approx(1.0));
    CHECK(load_max_over_mean(p, c.coactivation[layer]) == Approx(1.0));
  }
  CHECK(moesim::expected_ranks_touched(contiguous, c.coactivation[0], tokens) == Approx(4.0));
  CHECK(moesim::expected_ranks_touched(contiguous, c.coactivation[1], tokens) == Approx(1.0));
  // One matrix serves every layer.
  PlacementContext one = c;
  one.coactivation = {c.coactivation[0]};
  one.layer = 7;
  c.layer = 0;
  CHECK(grouping(one).ranks_of_expert == grouping(c).ranks_of_expert);
}

TEST_CASE("speculative_grouping trades co-activation for load balance by its weight",
          "[placement][coactivation]") {
  // 32 experts in 4 interleaved cliques of 8 (k = 8) chosen by 55, 25, 12 and 8% of tokens: the
  // cliques alone would load the 4 ranks 2.2 : 1 : 0.48 : 0.32 times the mean.
  CliqueRouting routing(8, {55, 25, 12, 8});
  const double tokens = 10000;
  PlacementContext c{32, 4, 0, {}};
  c.coactivation = moesim::sample_coactivation(routing, 10000, 1, 32);
  const auto& m = c.coactivation[0];
  for (size_t e = 0; e < 32; ++e) c.expert_load.push_back(m[e * 32 + e]);
  const auto ranks_touched = [&](const ExpertPlacement& p) {
    return moesim::expected_ranks_touched(p, m, tokens);
  };
  // Load-balanced packing spreads every clique over all 4 ranks.
  const ExpertPlacement balanced = moesim::LoadBalancedPlacement().place(c);
  CHECK(ranks_touched(balanced) == Approx(4.0));
  // balance 0: the cliques, whatever the load; 1: load alone, as even as load_balanced.
  const ExpertPlacement cliques = grouping(c, {2, 0.0});
  CHECK(ranks_touched(cliques) == Approx(1.0));
  CHECK(load_max_over_mean(cliques, m) == Approx(2.2));
  const ExpertPlacement even = grouping(c, {2, 1.0});
  CHECK(load_max_over_mean(even, m) == Approx(1.0));
  // The default (balance 0.5, 2 swap passes): within 10% of the mean load (measured 1.065)
  // while a token touches fewer than 2 ranks (measured 1.9) instead of 4.
  const ExpertPlacement p = grouping(c);
  CHECK(load_max_over_mean(p, m) < 1.1);
  CHECK(ranks_touched(p) < 2.0);
  // The swap passes improve on the greedy assignment in both (greedy alone: 2.65, 1.3).
  const ExpertPlacement greedy = grouping(c, {0, 0.5});
  CHECK(ranks_touched(p) < ranks_touched(greedy) - 0.5);
  CHECK(load_max_over_mean(p, m) < load_max_over_mean(greedy, m) - 0.2);
}

TEST_CASE("speculative_grouping balances zipf-skewed independent routing and is deterministic",
          "[placement][coactivation]") {
  // Choices drawn independently from a steep power law: little co-activation to exploit, so
  // the placement must keep the loads about as even as load-balanced packing.
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::StrategyInfo& zipf = catalog.routing.at("zipf").info;
  moesim::Params params(zipf.params);
  params.set(*zipf.param("skew"), 1.2);
  moesim::RngStreams rng(5);
  const auto routing =
      catalog.routing.make({"zipf", params}, moesim::RoutingContext{{64, 8}, &rng, 1});
  PlacementContext c{64, 8, 0, {}};
  c.coactivation = moesim::sample_coactivation(*routing, 4096, 1, 64);
  const auto& m = c.coactivation[0];
  for (size_t e = 0; e < 64; ++e) c.expert_load.push_back(m[e * 64 + e]);
  const ExpertPlacement balanced = moesim::LoadBalancedPlacement().place(c);
  const ExpertPlacement p = grouping(c);
  // Measured: max/mean 1.143 against load_balanced's 1.148; 5.72 ranks per token against 5.82.
  CHECK(load_max_over_mean(p, m) < 1.2);
  CHECK(load_max_over_mean(p, m) <= load_max_over_mean(balanced, m) + 0.01);
  CHECK(moesim::expected_ranks_touched(p, m, 4096) <=
        moesim::expected_ranks_touched(balanced, m, 4096));
  CHECK(grouping(c).ranks_of_expert == p.ranks_of_expert);
}

TEST_CASE("speculative_grouping refuses uneven ranks and mismatched co-activation",
          "[placement][coactivation]") {
  PlacementContext c{60, 8, 0, {}};
  CHECK_THROWS_WITH(grouping(c), Catch::Contains("60 experts") && Catch::Contains("8 expert"));
  c.experts = 64;
  c.coactivation = {std::vector<double>(64 * 64, 1.0), std::vector<double>(64 * 64, 1.0)};
  c.layer = 2;
  CHECK_THROWS_WITH(grouping(c), Catch::Contains("2 layers") && Catch::Contains("layer 2"));
  c.layer = 1;
  CHECK_NOTHROW(grouping(c));
  c.coactivation[1].pop_back();
  CHECK_THROWS_AS(grouping(c), std::invalid_argument);
  // Serving scenarios report uneven ranks when the scenario loads.
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::StrategyInfo& info = catalog.placement.at("speculative_grouping").info;
  moesim::Params params(info.params);
  moesim::MoeLayerShape model;
  model.num_experts = 60;
  moesim::ParallelLayout layout;
  layout.expert_parallel = 8;
  moesim::ParamCheckContext check;
  check.model = &model;
  check.layout = &layout;
  CHECK_THROWS_AS(info.check(params, check), moesim::ParamError);
  model.num_experts = 64;
  CHECK_NOTHROW(info.check(params, check));
}

TEST_CASE("speculative_grouping without co-activation packs by load like load_balanced",
          "[placement][coactivation]") {
  std::vector<double> load(64);
  for (uint32_t e = 0; e < 64; ++e) load[(e * 37) % 64] = 1.0 / (e + 1.0);
  PlacementContext c{64, 8, 0, load};
  const ExpertPlacement expected = moesim::LoadBalancedPlacement().place(c);
  CHECK(grouping(c).ranks_of_expert == expected.ranks_of_expert);
  // A matrix that counts no token carries no information either.
  c.coactivation = {std::vector<double>(64 * 64, 0.0)};
  CHECK(grouping(c).ranks_of_expert == expected.ranks_of_expert);
}

TEST_CASE("expected ranks touched counts replicas' shares and refuses a wrong matrix",
          "[placement][coactivation]") {
  // 2 experts, 100 tokens: 60 choose expert 0, 50 expert 1, 20 both.
  const std::vector<double> m{60, 20, 20, 50};
  ExpertPlacement apart{{{0}, {1}}, 2, {}};
  CHECK(moesim::expected_ranks_touched(apart, m, 100) == Approx(0.6 + 0.5));
  ExpertPlacement together{{{0}, {0}}, 2, {}};
  CHECK(moesim::expected_ranks_touched(together, m, 100) == Approx(0.6 + 0.5 - 0.2));
  // Expert 0 on both ranks, half its tokens to each: rank 0 0.3, rank 1 0.3 + 0.5 - 0.2 / 2.
  ExpertPlacement replicated{{{0, 1}, {1}}, 2, {}};
  CHECK(moesim::expected_ranks_touched(replicated, m, 100) == Approx(0.3 + 0.7));
  CHECK_THROWS_AS(moesim::expected_ranks_touched(apart, {1, 2, 3}, 100), std::invalid_argument);
  CHECK_THROWS_AS(moesim::expected_ranks_touched(apart, m, 0), std::invalid_argument);
}
