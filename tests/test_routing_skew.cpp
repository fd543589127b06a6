// Routing skew pieces of the kernels suite: the collector's power-law generator, the grouped
// top-k router that turns a routing into rank-0 load, and the per-expert load cost and its fit.

#include <catch2/catch.hpp>

#include <numeric>

#include "cli/validation/grouped_top_k_router.h"
#include "cli/validation/power_law_expert_counts.h"
#include "models/cost_model/expert_load_cost.h"
#include "sim/config_error.h"
#include "sim/rng.h"

using namespace moesim;

TEST_CASE("power-law counts sum to T k, stay below T, and put the busiest block on rank 0",
          "[routing_skew]") {
  const PowerLawExpertCounts generator(1.2, 256, 8, 8);
  RngStreams streams(1);
  for (const uint64_t tokens : {1u, 3u, 64u, 4096u}) {
    const auto counts = generator.draw_counts(streams.stream(std::to_string(tokens)), tokens);
    REQUIRE(counts.size() == 256);
    CHECK(std::accumulate(counts.begin(), counts.end(), uint64_t{0}) == tokens * 8);
    for (const uint64_t c : counts) CHECK(c <= tokens);
    const auto block = [&](int r) {
      return std::accumulate(counts.begin() + 32 * r, counts.begin() + 32 * (r + 1), uint64_t{0});
    };
    for (int r = 1; r < 8; ++r) CHECK(block(0) >= block(r));
    // Every token gets 8 distinct experts, and the choices reproduce the counts.
    const auto choices = generator.assign_tokens(counts, tokens);
    std::vector<uint64_t> seen(256, 0);
    for (uint64_t t = 0; t < tokens; ++t) {
      std::vector<uint32_t> row(choices.begin() + t * 8, choices.begin() + (t + 1) * 8);
      std::sort(row.begin(), row.end());
      CHECK(std::adjacent_find(row.begin(), row.end()) == row.end());
      for (const uint32_t e : row) ++seen[e];
    }
    CHECK(seen == counts);
  }
  // The same stream seed gives the same draw.
  RngStream a(7), b(7);
  CHECK(generator.draw_counts(a, 512) == generator.draw_counts(b, 512));
}

TEST_CASE("power-law generator and router reject bad shapes", "[routing_skew]") {
  CHECK_THROWS_AS(PowerLawExpertCounts(1.0, 256, 8, 8), ConfigError);
  CHECK_THROWS_AS(PowerLawExpertCounts(1.2, 256, 8, 3), ConfigError);
  CHECK_THROWS_AS(PowerLawExpertCounts(1.2, 4, 8, 1), ConfigError);
  CHECK_THROWS_AS(GroupedTopKRouter(256, 8, 7, 4, 8, GroupScore::best_one), ConfigError);
  CHECK_THROWS_AS(GroupedTopKRouter(256, 8, 8, 9, 8, GroupScore::best_one), ConfigError);
}

TEST_CASE("grouped top-k gives rank 0 the collector's balanced load at every EP size",
          "[routing_skew]") {
  // Balanced choices pick one expert per group of 32; the 4 kept groups are 0-3 and the 4 free
  // places go to experts 0-3 (lowest index), so rank 0 gets 8, 6, 5, 4.5, 4.25, 4, 2, 1 pairs
  // per token at EP 2 .. 256 (see grouped_top_k_router.h).
  const uint64_t tokens = 1024;
  const auto choices = collector_balanced_choices(tokens, 256, 8);
  const std::vector<std::pair<uint32_t, double>> expected = {
      {2, 8}, {4, 6}, {8, 5}, {16, 4.5}, {32, 4.25}, {64, 4}, {128, 2}, {256, 1}};
  for (const auto& [ep, pairs_per_token] : expected) {
    std::vector<uint64_t> load;
    GroupedTopKRouter(256, 8, 8, 4, ep, GroupScore::best_two_sum).add_rank0_pairs(choices, load);
    CHECK(load.size() == 256 / ep);
    CHECK(std::accumulate(load.begin(), load.end(), uint64_t{0}) ==
          static_cast<uint64_t>(pairs_per_token * tokens));
  }
  // Plain top-k (one group): one local expert per token at EP8.
  std::vector<uint64_t> plain;
  GroupedTopKRouter(256, 8, 1, 1, 8, GroupScore::best_one).add_rank0_pairs(choices, plain);
  CHECK(std::accumulate(plain.begin(), plain.end(), uint64_t{0}) == tokens);
  // Fewer tokens than the stride: token i starts at floor(32 i / T).
  CHECK(collector_balanced_choices(2, 256, 8)[8] == 16);
}

TEST_CASE("expert load cost fit recovers its constants", "[routing_skew]") {
  const ExpertLoadCost truth(25.0, 14.0, 0.14);
  std::vector<ExpertLoadCost::Sample> samples;
  for (uint64_t active = 1; active <= 32; active *= 2) {
    for (uint64_t per = 1; per <= 4096; per *= 8) {
      std::vector<uint64_t> load(32, 0);
      for (uint64_t e = 0; e < active; ++e) load[e] = per;
      samples.push_back({load, truth.block_us(load)});
    }
  }
  const ExpertLoadCost fitted = ExpertLoadCost::fit(samples);
  CHECK(fitted.fixed_us() == Approx(25.0));
  CHECK(fitted.per_expert_us() == Approx(14.0));
  CHECK(fitted.per_pair_us() == Approx(0.14));
  // 3 active experts, 10 pairs: 25 + 3 x 14 + 10 x 0.14 us.
  CHECK(truth.block_us(std::vector<uint64_t>{4, 0, 5, 1}) == Approx(25 + 42 + 1.4));
  CHECK_THROWS_AS(ExpertLoadCost(-1, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(ExpertLoadCost::fit({}), std::invalid_argument);
}
