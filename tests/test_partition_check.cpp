// moesim validate SCENARIO: the reference kernels, partitioned as the placement partitions the
// work, must reproduce the unpartitioned layer; and the check must catch a lost shard.

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "cli/validation/partition_check.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;

namespace {

moesim::ScenarioConfig small() {
  return moesim::load_scenario(
      moesim::test::source_path("tests/scenarios/partition_small.yaml").string(),
      moesim::builtin_strategies());
}

}  // namespace

TEST_CASE("expert parallelism reproduces the unpartitioned layer", "[partition_check]") {
  moesim::PartitionCheckOptions options;
  options.tokens = 48;
  const auto r = moesim::check_partition(small(), moesim::builtin_strategies(), options);
  // 48 tokens x top-4 = 192 token-expert pairs over 4 ranks (round robin: expert e on e mod 4).
  CHECK(r.tokens == 48);
  CHECK(r.ranks == 4);
  CHECK_THAT(r.partition, Contains("rank 0: e0x") && Contains("rank 3: e3x"));
  // Each rank sums its own experts, the home adds the four partials: only the order of fp32
  // additions changes, far inside the tolerance.
  CHECK(r.passed);
  CHECK(r.rel_l2_error <= r.tolerance);
  CHECK(r.rel_l2_error < 1e-6);
}

TEST_CASE("a lost shard is caught", "[partition_check]") {
  moesim::PartitionCheckOptions options;
  options.tokens = 48;
  options.drop_rank0 = true;
  const auto r = moesim::check_partition(small(), moesim::builtin_strategies(), options);
  // Rank 0 holds 4 of 16 experts: losing it removes about a quarter of the routed output.
  CHECK_FALSE(r.passed);
  CHECK(r.rel_l2_error > 0.1);
}

TEST_CASE("moesim validate SCENARIO exits 0 on a passing partition", "[partition_check]") {
  const auto r = moesim::test::run_cli(
      {"validate", moesim::test::source_path("tests/scenarios/partition_small.yaml").string(),
       "--tokens", "16"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("placement round_robin over 4 ranks") && Contains("PASS"));
  // Neither or both of a scenario and a suite: a usage error.
  CHECK(moesim::test::run_cli({"validate"}).exit_code == 2);
  CHECK(moesim::test::run_cli({"validate", "x.yaml", "--suite", "comm"}).exit_code == 2);
}
