// `moesim plan`: the capacity-planning search of a scenario's plan: block (docs/planning.md):
// candidates pruned by the bounds, the rest simulated, the frontier and the CSVs; bad plan
// blocks exit 2 naming the key.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "cli/app/parallel_jobs.h"
#include "cli/app/plan_candidate.h"
#include "support/plan_files.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::kTinyPlan;
using moesim::test::line_of;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_plan;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

/// kTinyPlan over one and two nodes, TP 4 or 8 and PP 1, 2 or 3: 7 layouts (TP8 PP2 needs both
/// nodes; 3 x TP divides neither node count's GPUs), each once without EP and with EP under two
/// dispatch strategies, at two limits: 42 candidates, 15 of them pruned by the bound.
std::string wide_plan() {
  return replace_once(kTinyPlan, "nodes: [1, 1]\n  tensor_parallel: [8]\n  data_parallel: false\n",
                      "nodes: [1, 2]\n  tensor_parallel: [4, 8]\n  pipeline_parallel: [1, 2, 3]\n"
                      "  expert_parallel: true\n"
                      "  dispatch: [allgather_reducescatter, deepep_low_latency]\n");
}

/// stdout without its last line, which names the output folder and the wall time.
std::string without_wall_line(const std::string& out) {
  const size_t last = out.rfind("\nwrote ");
  return last == std::string::npos ? out : out.substr(0, last);
}

}  // namespace

TEST_CASE("plan: a tiny plan prunes by the bound, simulates the rest and writes its outputs",
          "[plan]") {
  TempDir dir("plan-tiny");
  const std::string scenario = write_plan(dir, kTinyPlan);
  const fs::path out = dir / "out";
  const auto result = run_cli({"plan", scenario, "--out", out.string()});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("candidates 2: did not fit 0, pruned by the throughput bound 1, "
                                  "pruned by the TPOT bound 0, simulated 1, meeting the SLOs 1"));
  CHECK_THAT(result.out, Contains("Pareto frontier"));
  CHECK_THAT(result.out, Contains("cheapest meeting the SLOs"));
  const std::string candidates = read_text(out / "candidates.csv");
  CHECK_THAT(
      candidates,
      Contains("1,8,8,1,1,false,allgather_reducescatter,contiguous,1,pruned: throughput bound,"));
  CHECK_THAT(candidates,
             Contains("1,8,8,1,1,false,allgather_reducescatter,contiguous,64,simulated,"));
  const std::string frontier = read_text(out / "frontier.csv");
  CHECK_THAT(frontier,
             Contains("1,8,8,1,1,false,allgather_reducescatter,contiguous,64,simulated,"));
  CHECK(frontier.find(",1,pruned") == std::string::npos);
  CHECK(fs::exists(out / "frontier.png"));
  CHECK(fs::exists(out / "frontier.svg"));
  CHECK_THAT(read_text(out / "summary.txt"), Contains("Pareto frontier"));
}

TEST_CASE("plan: candidates that do not fit or cannot meet the TPOT SLO are not simulated",
          "[plan]") {
  TempDir dir("plan-none");
  SECTION("the memory plan refuses every candidate") {
    const std::string scenario = write_plan(dir, kTinyPlan);
    const auto result = run_cli({"plan", scenario, "--out", (dir / "out").string(), "--set",
                                 "serving.gpu_memory_utilization=0.01"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("candidates 2: did not fit 2,"));
    CHECK_THAT(result.out, Contains("no candidate meets the SLOs"));
    CHECK_THAT(read_text(dir / "out" / "candidates.csv"), Contains(",did not fit,"));
    CHECK_FALSE(fs::exists(dir / "out" / "frontier.png"));
  }
  SECTION("a decode step of one sequence takes longer than the TPOT SLO") {
    // The batch-1 step bound of OLMoE on 8 H100s is about 89 us.
    const std::string scenario =
        write_plan(dir, replace_once(kTinyPlan, "tpot_p90: \"50 ms\"", "tpot_p90: \"10 us\""));
    const auto result = run_cli({"plan", scenario, "--out", (dir / "out").string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("pruned by the throughput bound 1, pruned by the TPOT bound 1, "
                                    "simulated 0, meeting the SLOs 0"));
  }
}

TEST_CASE("plan: moesim run ignores the plan block", "[plan]") {
  TempDir dir("plan-run");
  const std::string scenario = write_plan(dir, kTinyPlan);
  const auto result =
      run_cli({"run", scenario, "--out", (dir / "run").string(), "--quiet", "--no-trace"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
}

TEST_CASE("plan: bad plan blocks exit 2 naming the key", "[plan]") {
  TempDir dir("plan-bad");
  const auto refused = [&](const std::string& from, const std::string& to) {
    const std::string scenario = write_plan(dir, replace_once(kTinyPlan, from, to));
    return run_cli({"plan", scenario, "--out", (dir / "out").string()});
  };
  SECTION("unknown key") {
    const auto r = refused("  data_parallel: false\n", "  data_parallel: false\n  nodez: 3\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.nodez: unknown key"));
  }
  SECTION("empty node range") {
    const auto r = refused("nodes: [1, 1]", "nodes: [2, 1]");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.yaml:21: plan.nodes:"));
  }
  SECTION("TP that does not divide a node") {
    const auto r = refused("tensor_parallel: [8]", "tensor_parallel: [3]");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.tensor_parallel: 3 does not divide a node's 8 GPUs"));
  }
  SECTION("cost per GPU-hour without a price") {
    const auto r =
        refused("  data_parallel: false\n", "  data_parallel: false\n  cost: gpu_hour\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.cost: gpu_hour: no price for H100-SXM") &&
                          Contains("hardware.gpu_overrides.usd_per_hour"));
  }
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("plan: the new plan keys are checked, each error naming the key", "[plan]") {
  TempDir dir("plan-keys");
  const auto refused = [&](const std::string& added) {
    const std::string text =
        replace_once(kTinyPlan, "  data_parallel: false\n", "  data_parallel: false\n" + added);
    const std::string scenario = write_plan(dir, text);
    auto result = run_cli({"plan", scenario, "--out", (dir / "out").string()});
    CHECK(result.exit_code == 2);
    return std::make_pair(result.err, text);
  };
  SECTION("a pipeline degree of 0, with the file and line") {
    const auto [err, text] = refused("  pipeline_parallel: [1, 0]\n");
    CHECK_THAT(err, Contains(fmt::format("plan.yaml:{}: plan.pipeline_parallel: expected whole "
                                         "numbers from 1 to",
                                         line_of(text, "pipeline_parallel"))));
  }
  SECTION("more pipeline stages than the model has layers") {
    CHECK_THAT(refused("  pipeline_parallel: [17]\n").first,
               Contains("plan.pipeline_parallel: 17 stages for the 16 decoder layers of "
                        "OLMoE-1B-7B"));
  }
  SECTION("an empty list") {
    CHECK_THAT(refused("  pipeline_parallel: []\n").first,
               Contains("plan.pipeline_parallel: expected at least one value"));
    CHECK_THAT(refused("  dispatch: []\n").first,
               Contains("plan.dispatch: expected at least one value"));
  }
  SECTION("an unknown dispatch strategy, with the known ones") {
    CHECK_THAT(refused("  dispatch: [allgather_reducescatter, deepep_fast]\n").first,
               Contains("plan.dispatch: unknown dispatch strategy \"deepep_fast\" (known: "
                        "allgather_reducescatter, all_to_allv,"));
  }
  SECTION("an unknown placement strategy, and a name given twice") {
    CHECK_THAT(refused("  placement: [nearest]\n").first,
               Contains("plan.placement: unknown placement strategy \"nearest\" (known: "));
    CHECK_THAT(refused("  placement: [eplb, eplb]\n").first,
               Contains("plan.placement: eplb is given twice"));
  }
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("plan: candidates cross TP with PP, and only EP candidates with the strategies",
          "[plan]") {
  moesim::PlanSpec spec;
  spec.min_nodes = spec.max_nodes = 2;
  spec.tensor_parallel = {4, 8};
  spec.pipeline_parallel = {1, 2, 3};  // 3 x TP divides no 16 GPUs: no candidate
  spec.expert_parallel = true;
  spec.scenario_dispatch = "allgather_reducescatter";
  spec.scenario_placement = "contiguous";
  spec.dispatch = {"allgather_reducescatter", "deepep_auto"};
  spec.placement = {"contiguous"};
  spec.max_num_seqs = {64};
  const auto candidates = moesim::plan_candidates(spec, 8);
  std::vector<std::string> labels;
  for (const auto& c : candidates) labels.push_back(c.label());
  const std::vector<std::string> expected{
      "2 nodes TP4 PP1 DP4 max_num_seqs 64",
      "2 nodes TP4 PP1 DP4 EP allgather_reducescatter/contiguous max_num_seqs 64",
      "2 nodes TP4 PP1 DP4 EP deepep_auto/contiguous max_num_seqs 64",
      "2 nodes TP4 PP2 DP2 max_num_seqs 64",
      "2 nodes TP4 PP2 DP2 EP allgather_reducescatter/contiguous max_num_seqs 64",
      "2 nodes TP4 PP2 DP2 EP deepep_auto/contiguous max_num_seqs 64",
      "2 nodes TP8 PP1 DP2 max_num_seqs 64",
      "2 nodes TP8 PP1 DP2 EP allgather_reducescatter/contiguous max_num_seqs 64",
      "2 nodes TP8 PP1 DP2 EP deepep_auto/contiguous max_num_seqs 64",
      "2 nodes TP8 PP2 DP1 max_num_seqs 64",
      "2 nodes TP8 PP2 DP1 EP allgather_reducescatter/contiguous max_num_seqs 64",
      "2 nodes TP8 PP2 DP1 EP deepep_auto/contiguous max_num_seqs 64"};
  CHECK(labels == expected);

  // Only a strategy other than the scenario's own is set, so the scenario's keeps its parameters.
  const auto sets_of = [](const moesim::PlanCandidate& c) {
    std::string paths;
    for (const auto& o : c.overrides()) paths += o.path + "=" + o.value + " ";
    return paths;
  };
  CHECK_THAT(sets_of(candidates[0]), !Contains("strategies."));
  CHECK_THAT(sets_of(candidates[1]), !Contains("strategies."));
  CHECK_THAT(sets_of(candidates[2]), Contains("serving.pipeline_parallel=1 "));
  CHECK_THAT(sets_of(candidates[2]), Contains("strategies.dispatch=deepep_auto "));
  CHECK_THAT(sets_of(candidates[2]), !Contains("strategies.placement"));

  SECTION("two placements: each EP layout under every dispatch and placement, the rest once") {
    spec.placement = {"contiguous", "eplb"};
    const auto crossed = moesim::plan_candidates(spec, 8);
    CHECK(crossed.size() == 4 * (1 + 2 * 2));
    CHECK(crossed[1].label() ==
          "2 nodes TP4 PP1 DP4 EP allgather_reducescatter/contiguous max_num_seqs 64");
    CHECK(crossed[2].label() ==
          "2 nodes TP4 PP1 DP4 EP allgather_reducescatter/eplb max_num_seqs 64");
    CHECK(crossed[2].sets_placement);
    CHECK_FALSE(crossed[2].sets_dispatch);
  }
  SECTION("without data parallelism only TP x PP filling the nodes is a candidate") {
    spec.data_parallel = false;
    spec.expert_parallel = false;
    const auto one = moesim::plan_candidates(spec, 8);
    REQUIRE(one.size() == 1);
    CHECK(one[0].label() == "2 nodes TP8 PP2 DP1 max_num_seqs 64");
  }
}

TEST_CASE("plan: a dispatch axis simulates each EP candidate with each strategy", "[plan]") {
  TempDir dir("plan-dispatch");
  const std::string scenario =
      write_plan(dir, replace_once(kTinyPlan, "  max_num_seqs: [1, 64]\n",
                                   "  expert_parallel: true\n"
                                   "  dispatch: [allgather_reducescatter, deepep_low_latency]\n"
                                   "  max_num_seqs: [64]\n"));
  const fs::path out = dir / "out";
  const auto result = run_cli({"plan", scenario, "--out", out.string()});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("candidates 3: did not fit 0, pruned by the throughput bound 0, "
                                  "pruned by the TPOT bound 0, simulated 3"));
  const std::string csv = read_text(out / "candidates.csv");
  CHECK_THAT(csv, Contains("1,8,8,1,1,false,allgather_reducescatter,contiguous,64,simulated,"));
  CHECK_THAT(csv, Contains("1,8,8,1,1,true,allgather_reducescatter,contiguous,64,simulated,"));
  CHECK_THAT(csv, Contains("1,8,8,1,1,true,deepep_low_latency,contiguous,64,simulated,"));
}

TEST_CASE("plan: -j 2 writes and prints what -j 1 does", "[plan]") {
  TempDir dir("plan-jobs");
  const std::string scenario = write_plan(dir, wide_plan());
  const auto one = run_cli({"plan", scenario, "--out", (dir / "one").string(), "-j", "1"});
  const auto two = run_cli({"plan", scenario, "--out", (dir / "two").string(), "--jobs", "2"});
  INFO(one.err << two.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK_THAT(
      one.out,
      Contains("candidates 42: did not fit 0, pruned by the throughput bound 15, pruned by the "
               "TPOT bound 0, simulated 27"));
  CHECK(without_wall_line(one.out) == without_wall_line(two.out));
  for (const char* file : {"candidates.csv", "frontier.csv", "summary.txt", "frontier.dat"}) {
    INFO(file);
    CHECK(read_text(dir / "one" / file) == read_text(dir / "two" / file));
  }
}

TEST_CASE("plan: an interrupted plan leaves no output folder nor staging", "[plan]") {
  TempDir dir("plan-kill");
  const std::string scenario = write_plan(dir, wide_plan());
  const fs::path out = dir / "out";
  const fs::path err = dir / "err.txt";
  // SIGTERM once the first candidate is reported (polled every 0.05 s for up to 60 s). Whether
  // it lands during the search or after the commit, no half-written folder may remain.
  const std::string command = "('" MOESIM_BINARY "' plan '" + scenario + "' --out '" +
                              out.string() + "' -j 2 2>'" + err.string() +
                              "' >/dev/null & pid=$!; for i in $(seq 1200); do grep -q '^\\[1/' '" +
                              err.string() +
                              "' 2>/dev/null && break; sleep 0.05; done; kill -TERM $pid "
                              "2>/dev/null; wait $pid) 2>/dev/null";
  std::system(command.c_str());
  if (fs::exists(out)) CHECK(fs::exists(out / "candidates.csv"));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
  }
}

TEST_CASE("plan: parallel jobs rethrow the lowest failing job's error for any thread count",
          "[plan]") {
  for (const size_t threads : {1, 2, 4}) {
    INFO(threads << " threads");
    std::vector<int> ran(10, 0);
    const auto job = [&](size_t i) {
      ++ran[i];
      if (i == 4 || i == 7) throw std::runtime_error("job " + std::to_string(i));
    };
    CHECK_THROWS_WITH(moesim::run_jobs(ran.size(), threads, job), "job 4");
    for (size_t i = 0; i <= 4; ++i) CHECK(ran[i] == 1);  // every job below the failure ran once
    for (const int times : ran) CHECK(times <= 1);
  }
}
