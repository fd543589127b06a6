// Every dispatch strategy and the speculative grouping placement through `moesim validate
// SCENARIO`: the reference kernels, summed as each strategy's combine sums them, reproduce the
// unpartitioned layer; a lost shard is caught in every combine order; the payload's rounding
// (bf16, fp8) is reported. And the layer path times the strategies: closed-form all_to_allv
// against the flows of the same layer.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "cli/app/layer_simulation.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/scenario_overrides.h"
#include "cli/validation/partition_check.h"
#include "models/reference/payload_rounding.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;

namespace {

const char* const kDispatch[] = {
    "allgather_reducescatter", "all_to_allv",        "hierarchical", "speculative_shuffle",
    "deepep_normal",           "deepep_low_latency", "deepep_auto"};

moesim::ScenarioConfig small(const std::vector<std::string>& sets) {
  std::vector<moesim::ScenarioOverride> overrides;
  for (const std::string& s : sets) overrides.push_back(moesim::parse_override("--set", s));
  // Two nodes of 4 GPUs, so the per-node order differs from the per-rank one.
  overrides.push_back(moesim::parse_override("--set", "hardware.builder=multi_node"));
  overrides.push_back(moesim::parse_override("--set", "hardware.gpus=4"));
  overrides.push_back(moesim::parse_override("--set", "hardware.nodes=2"));
  overrides.push_back(moesim::parse_override("--set", "hardware.nic_link=infiniband_ndr"));
  return moesim::load_scenario(
      moesim::test::source_path("tests/scenarios/partition_small.yaml").string(),
      moesim::builtin_strategies(), overrides);
}

}  // namespace

TEST_CASE("every dispatch strategy's combine reproduces the layer, a lost shard is caught",
          "[dispatch][partition_check]") {
  for (const char* name : kDispatch) {
    INFO(name);
    const auto config = small({std::string("strategies.dispatch=") + name});
    moesim::PartitionCheckOptions options;
    options.tokens = 48;
    const auto r = moesim::check_partition(config, moesim::builtin_strategies(), options);
    CHECK(r.passed);
    CHECK(r.rel_l2_error < 1e-6);
    CHECK_THAT(r.dispatch, Contains(name));
    // The payload as sent is lossy: bf16 about 2^-9 relative, fp8 about 2^-4.
    CHECK(r.payload_rel_l2_error > 1e-4);
    CHECK(r.payload_rel_l2_error < (r.payload_dtypes.starts_with("fp8") ? 0.08 : 0.01));
    options.drop_rank0 = true;
    const auto lost = moesim::check_partition(config, moesim::builtin_strategies(), options);
    CHECK_FALSE(lost.passed);
  }
}

TEST_CASE("speculative grouping's partition reproduces the layer", "[partition_check]") {
  moesim::PartitionCheckOptions options;
  options.tokens = 48;
  const auto r = moesim::check_partition(small({"strategies.placement=speculative_grouping"}),
                                         moesim::builtin_strategies(), options);
  CHECK(r.passed);
  CHECK(r.rel_l2_error < 1e-6);
}

TEST_CASE("payload rounding: bf16 and fp8 e4m3 with block scales", "[partition_check]") {
  CHECK(moesim::kernels::round_bf16(1.0f) == 1.0f);
  CHECK(moesim::kernels::round_bf16(1.0f + std::ldexp(1.0f, -9)) == 1.0f);  // tie to even
  CHECK(moesim::kernels::round_bf16(1.0f + 3 * std::ldexp(1.0f, -9)) ==
        1.0f + std::ldexp(1.0f, -7));
  CHECK(moesim::kernels::round_e4m3(448.0f) == 448.0f);
  CHECK(moesim::kernels::round_e4m3(1000.0f) == 448.0f);  // saturates
  CHECK(moesim::kernels::round_e4m3(1.0625f) == 1.0f);    // 1 + 2^-4: a tie, to even
  CHECK(moesim::kernels::round_e4m3(-1.2f) == -1.25f);
  CHECK(moesim::kernels::round_e4m3(std::ldexp(1.0f, -9)) == std::ldexp(1.0f, -9));  // subnormal
  moesim::kernels::Matrix m(1, 256);
  for (int c = 0; c < 256; ++c) m(0, c) = std::sin(0.37f * c) * (c < 128 ? 1.0f : 100.0f);
  const auto sent = moesim::kernels::as_sent(m, "fp8");
  // Each block keeps its own scale: error relative to the block's largest value, <= 2^-4.
  for (int c = 0; c < 256; ++c) {
    CHECK(std::fabs(sent(0, c) - m(0, c)) <= (c < 128 ? 1.0f : 100.0f) / 16);
  }
  CHECK_THROWS_AS(moesim::kernels::as_sent(m, "fp4"), std::invalid_argument);
}

TEST_CASE("the layer path times a dispatch strategy in closed form beside the flows",
          "[dispatch]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const auto run = [&](const std::string& dispatch) {
    moesim::LayerSimulation sim(small({"strategies.dispatch=" + dispatch}), catalog);
    sim.run();
    double us = 0;
    for (const moesim::StageSpan& s : sim.forward().result().stages) {
      if (s.stage == moesim::LayerStage::kDispatch) us = (s.end - s.start).microseconds();
    }
    return std::pair{us, sim.forward().result().exchange};
  };
  const auto [flows_us, none] = run("all_to_allv");
  CHECK(none.bytes == 0);  // flows: no closed-form result
  const auto [hier_us, hier] = run("hierarchical");
  CHECK(hier.dispatch_us > 0);
  CHECK(hier_us == Approx(hier.dispatch_us).epsilon(1e-6));
  CHECK(hier.bytes_across_nodes > 0);
  const auto [gather_us, gather] = run("allgather_reducescatter");
  CHECK(gather_us > flows_us);  // every token to every rank
}
