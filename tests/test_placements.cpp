// Placements: invariants every registered placement keeps, the replica split of an expert's
// tokens, and what load_balanced and eplb achieve on skewed loads.

#include <algorithm>
#include <numeric>

#include <catch2/catch.hpp>

#include "cli/app/strategy_loader.h"
#include "models/strategies/placement/eplb.h"
#include "models/strategies/placement/load_balanced.h"
#include "models/strategies/placement/replica_split.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using moesim::ExpertPlacement;
using moesim::PlacementContext;
using moesim::ReplicaChoice;
using moesim::ReplicaSplit;

namespace {

/// Zipf-like expected loads: expert e has weight (e+1)^-1.2, hottest first in id order
/// shuffled by a fixed stride so hot experts are not all in one contiguous block.
std::vector<double> skewed_loads(uint32_t experts) {
  std::vector<double> load(experts);
  for (uint32_t r = 0; r < experts; ++r) load[(r * 37) % experts] = std::pow(r + 1.0, -1.2);
  return load;
}

/// max / mean of the expected per-rank load when each expert's load is split evenly over its
/// replicas (EPLB's cost model, shared/reference/strategies.md).
double max_over_mean(const ExpertPlacement& p, const std::vector<double>& load) {
  std::vector<double> rank(p.ranks, 0.0);
  for (size_t e = 0; e < load.size(); ++e) {
    for (const uint32_t r : p.ranks_of_expert[e]) {
      rank[r] += load[e] / static_cast<double>(p.ranks_of_expert[e].size());
    }
  }
  const double mean = std::accumulate(rank.begin(), rank.end(), 0.0) / rank.size();
  return *std::max_element(rank.begin(), rank.end()) / mean;
}

}  // namespace

TEST_CASE("every registered placement places each expert on distinct ranks and conserves tokens",
          "[placement]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  PlacementContext c{128, 16, 8, skewed_loads(128)};
  std::vector<uint64_t> tokens(128);
  for (uint32_t e = 0; e < 128; ++e) tokens[e] = (e * 7919) % 97;
  const uint64_t total = std::accumulate(tokens.begin(), tokens.end(), uint64_t{0});
  for (const moesim::StrategyInfo* info : catalog.placement.strategies()) {
    INFO(info->name);
    const auto strategy =
        catalog.placement.make(moesim::default_strategy(catalog.placement, info->name), c);
    const ExpertPlacement p = strategy->place(c);
    CHECK_NOTHROW(p.check_covers(16, 128));
    ReplicaSplit split(p);
    const auto& out = split.split(tokens);
    uint64_t sum = 0;
    for (const auto& rank : out) sum += std::accumulate(rank.begin(), rank.end(), uint64_t{0});
    // Every token lands on exactly one replica.
    CHECK(sum == total);
  }
}

TEST_CASE("round robin splits an expert's tokens over its replicas in turn", "[placement]") {
  ExpertPlacement p;
  p.ranks = 2;
  p.ranks_of_expert = {{0, 1}};
  ReplicaSplit split(p);
  // 5 tokens: replicas 0, 1, 0, 1, 0 -> 3 and 2; the next 5 start at replica 1 -> 2 and 3.
  CHECK(split.split(std::vector<uint64_t>{5}) == std::vector<std::vector<uint64_t>>{{3}, {2}});
  CHECK(split.split(std::vector<uint64_t>{5}) == std::vector<std::vector<uint64_t>>{{2}, {3}});
}

TEST_CASE("least loaded fills an expert's replicas up to a common level", "[placement]") {
  ExpertPlacement p;
  p.ranks = 2;
  p.replica_choice = ReplicaChoice::kLeastLoaded;
  p.ranks_of_expert = {{0}, {0, 1}};
  ReplicaSplit split(p);
  // Busiest expert first. Expert 0 (10 tokens, rank 0 only) goes first; expert 1's 6 tokens
  // then all go to rank 1, still below rank 0's 10.
  CHECK(split.split(std::vector<uint64_t>{10, 6}) ==
        std::vector<std::vector<uint64_t>>{{10, 0}, {6}});
  // Expert 1 (14) goes first onto two empty ranks, 7 and 7; expert 0 then adds 10 to rank 0.
  CHECK(split.split(std::vector<uint64_t>{10, 14}) ==
        std::vector<std::vector<uint64_t>>{{10, 7}, {7}});
  // Expert 0 (12) first, rank 0 only; expert 1's 6 all go to the emptier rank 1.
  CHECK(split.split(std::vector<uint64_t>{12, 6}) ==
        std::vector<std::vector<uint64_t>>{{12, 0}, {6}});
}

TEST_CASE("eplb fills every rank's slots and replicates the hottest experts", "[placement][eplb]") {
  const std::vector<double> load = skewed_loads(128);
  const PlacementContext c{128, 16, 0, load};
  for (const uint32_t redundant : {16u, 32u}) {
    INFO(redundant);
    const ExpertPlacement p = moesim::EplbPlacement({redundant, 0, 0, {}}).place(c);
    CHECK(p.replicas() == 128 + redundant);
    // (128 + redundant) / 16 slots on every rank.
    for (uint32_t r = 0; r < 16; ++r) CHECK(p.experts_on(r).size() == (128 + redundant) / 16);
    const auto hottest = std::max_element(load.begin(), load.end()) - load.begin();
    CHECK(p.ranks_of_expert[hottest].size() > 1);
    // Replicas of the hot experts even out the ranks better than whole experts can.
    const ExpertPlacement balanced = moesim::LoadBalancedPlacement().place(c);
    CHECK(max_over_mean(p, load) < max_over_mean(balanced, load));
  }
  CHECK_THROWS_AS(moesim::EplbPlacement({5, 0, 0, {}}).place(c), std::invalid_argument);
}

TEST_CASE("eplb packs expert groups onto nodes first when there are several", "[placement][eplb]") {
  // 2 nodes of 4 GPUs, 4 groups of 3 experts (the EPLB README's shape), 4 redundant slots.
  const PlacementContext c{12, 8, 4, skewed_loads(12)};
  const ExpertPlacement p = moesim::EplbPlacement({4, 4, 0, {}}).place(c);
  CHECK_NOTHROW(p.check_covers(8, 12));
  for (uint32_t e = 0; e < 12; ++e) {
    // Each group lives on one node: all replicas of an expert are on the same node.
    const auto& ranks = p.ranks_of_expert[e];
    CHECK(std::all_of(ranks.begin(), ranks.end(),
                      [&](uint32_t r) { return r / 4 == ranks.front() / 4; }));
  }
}

TEST_CASE("load_balanced evens out whole experts against contiguous blocks", "[placement]") {
  std::vector<double> load(64, 1.0);
  for (uint32_t e = 0; e < 8; ++e) load[e] = 10.0;  // the first block is hot
  const PlacementContext c{64, 8, 0, load};
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const ExpertPlacement contiguous =
      catalog.placement.make(moesim::default_strategy(catalog.placement, "contiguous"), c)
          ->place(c);
  const ExpertPlacement balanced = moesim::LoadBalancedPlacement().place(c);
  // Contiguous puts all 8 hot experts on rank 0: 80 of 136, against a mean of 17.
  CHECK(max_over_mean(contiguous, load) == Approx(80.0 / 17.0));
  CHECK(max_over_mean(balanced, load) < 1.1);
}

TEST_CASE("an eplb that cannot fill the ranks evenly is a configuration error at its key",
          "[placement][eplb][cli]") {
  // 128 experts + 5 redundant on 16 expert-parallel ranks: 133 slots do not split evenly.
  const auto r = moesim::test::run_cli(
      {"run", moesim::test::source_path("scenarios/studies/eplb.yaml").string(), "--set",
       "strategies.placement.name=eplb", "--set", "strategies.placement.redundant=5", "--out",
       "/nonexistent/never-written"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Matchers::Contains(
                        "strategies.placement.redundant: experts + redundant = 133 must be a "
                        "multiple of the 16 expert-parallel ranks"));
}
