// `moesim plan`'s service levels (plan.slo: TTFT and TPOT statistics, throughput, goodput) and
// its cost per GPU-hour, on the tiny plan of support/plan_files.h.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/plan_files.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::kTinyPlan;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_plan;
namespace fs = std::filesystem;

TEST_CASE("plan: service levels on any TTFT or TPOT statistic, throughput and goodput", "[plan]") {
  TempDir dir("plan-slo");
  const auto plan_with = [&](const std::string& slo) {
    const std::string scenario = write_plan(
        dir,
        replace_once(kTinyPlan, "slo: {ttft_p90: \"2 s\", tpot_p90: \"50 ms\"}", "slo: " + slo));
    fs::remove_all(dir / "out");
    return run_cli({"plan", scenario, "--out", (dir / "out").string()});
  };
  SECTION("the simulated candidate misses a TTFT P99 of 1 us, named in candidates.csv") {
    const auto r = plan_with("{ttft_p99: \"1 us\", tpot_mean: \"50 ms\"}");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("SLOs TTFT P99 <= 0.0 ms, TPOT mean <= 50.0 ms"));
    CHECK_THAT(r.out, Contains("meeting the SLOs 0"));
    CHECK_THAT(read_text(dir / "out" / "candidates.csv"), Contains(",no,TTFT P99 "));
  }
  SECTION("a least throughput above the bound prunes both candidates before simulating") {
    const auto r = plan_with("{output_tokens_per_s: 1e9}");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("pruned by the throughput bound 2,"));
  }
  SECTION("goodput: every request within 2 s and 50 ms") {
    const auto r = plan_with("{goodput: {ttft: \"2 s\", tpot: \"50 ms\", fraction: 1}}");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("goodput >= 100% of requests within TTFT <= 2000.0 ms and TPOT <= "
                               "50.0 ms"));
    CHECK_THAT(r.out, Contains("meeting the SLOs 1"));
    // goodput_fraction, usd_per_hour and usd_per_million_tokens: all met, unpriced.
    CHECK_THAT(read_text(dir / "out" / "candidates.csv"), Contains(",1,0,0,yes,\n"));
  }
  SECTION("a goodput nobody attains fails the candidate") {
    const auto r = plan_with("{goodput: {ttft: \"1 us\", fraction: 0.5}}");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(read_text(dir / "out" / "candidates.csv"),
               Contains(",0,0,0,no,goodput 0.0% < 50% of requests\n"));
  }
  SECTION("bad targets exit 2 naming the key") {
    CHECK_THAT(plan_with("{}").err, Contains("plan.slo: expected at least one target"));
    CHECK_THAT(plan_with("{ttft_p95: \"1 s\"}").err, Contains("plan.slo.ttft_p95: unknown key"));
    CHECK_THAT(plan_with("{goodput: {fraction: 0.5}}").err,
               Contains("plan.slo.goodput: expected ttft, tpot or both"));
    CHECK_THAT(plan_with("{goodput: {ttft: \"1 s\", fraction: 1.5}}").err,
               Contains("plan.slo.goodput.fraction"));
    CHECK(plan_with("{tpot_median: \"0 s\"}").exit_code == 2);
  }
}

TEST_CASE("plan: cost per GPU-hour from a price the user gives", "[plan]") {
  TempDir dir("plan-priced");
  const std::string scenario = write_plan(
      dir, replace_once(replace_once(kTinyPlan, "  fabric: rail\n",
                                     "  fabric: rail\n  gpu_overrides: {usd_per_hour: 2.5}\n"),
                        "  data_parallel: false\n", "  data_parallel: false\n  cost: gpu_hour\n"));
  const auto r = run_cli({"plan", scenario, "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("cost: $2.50 per GPU-hour"));
  CHECK_THAT(r.out, Contains("$/hour") && Contains("$/Mtok") && Contains("20.00"));
  // 8 GPUs at $2.50: $20 an hour, whatever the candidate's throughput.
  CHECK_THAT(read_text(dir / "out" / "candidates.csv"), Contains(",20,"));
}

TEST_CASE("plan: candidates without EP run the all-gather exchange when the scenario's is EP's",
          "[plan]") {
  TempDir dir("plan-ep-dispatch");
  // The base deployment is EP with DeepEP's low-latency kernels, which need expert parallelism;
  // the plan tries TP8 with and without EP.
  std::string text = replace_once(kTinyPlan, "  tensor_parallel: 8\n",
                                  "  tensor_parallel: 8\n  expert_parallel: true\n");
  text =
      replace_once(text, "routing:\n", "strategies:\n  dispatch: deepep_low_latency\nrouting:\n");
  text = replace_once(text, "  data_parallel: false\n",
                      "  data_parallel: false\n  expert_parallel: true\n");
  const std::string scenario = write_plan(dir, text);
  const auto r = run_cli({"plan", scenario, "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string candidates = read_text(dir / "out" / "candidates.csv");
  CHECK_THAT(candidates,
             Contains("1,8,8,1,1,false,allgather_reducescatter,contiguous,64,simulated,"));
  CHECK_THAT(candidates, Contains("1,8,8,1,1,true,deepep_low_latency,contiguous,64,simulated,"));
  CHECK(candidates.find("did not fit") == std::string::npos);
}
