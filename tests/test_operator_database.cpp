// The operator-database cost model: measured operator tables (OperatorTables) and the timer
// that reads them (DatabaseOperatorTimer), on small synthetic tables with hand-checked
// arithmetic and on the shipped H100 tables.
#include <catch2/catch.hpp>

#include "models/cost_model/operator_tables.h"
#include "models/engine/serving/database_operator_timer.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"
#include "support/operator_table_files.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

/// Five tables of a backend folder, each with a few rows; the MoE table one shape.
void write_tables(const std::filesystem::path& dir, const std::string& gemm_rows) {
  moesim::test::write_operator_tables(
      dir, gemm_rows,
      "bfloat16,balanced,2,8,1024,512,1,1,1,0.02\n"
      "bfloat16,balanced,2,8,1024,512,1,1,1,0.9\n"  // a repeat: the first row wins
      "bfloat16,balanced,2,8,1024,512,1,1,64,0.08\n");
}

moesim::GpuSpec test_gpu(const std::string& name, double bandwidth) {
  moesim::GpuSpec gpu;
  gpu.name = name;
  gpu.peak_flops_by_dtype = {{"bf16", 1e15}, {"fp8", 2e15}};
  gpu.memory_bandwidth = bandwidth;  // bytes/s
  return gpu;
}

moesim::OperatorTables trtllm_tables() {
  return moesim::OperatorTables::load(
      source_path("topologies/measured/operators/h100_sxm/trtllm_1.3.0rc10"));
}

/// Qwen3-235B-A22B with fp8 block weights on H100s at TP4 x EP4, timed by `tables`.
moesim::DatabaseOperatorTimer qwen3_fp8_tp4_ep4(const moesim::OperatorTables& tables) {
  const auto catalogue = moesim::load_hardware_catalogue(moesim::default_catalogue_dir());
  moesim::ModelCard card =
      moesim::load_model_card(source_path("models/catalogue/Qwen3-235B-A22B.yaml"));
  card.weights = {moesim::WeightFormat::kFp8Block, moesim::WeightFormat::kFp8Block};
  moesim::ParallelLayout layout;
  layout.tensor_parallel = 4;
  layout.expert_parallel = 4;
  const moesim::GpuSpec h100 = catalogue.gpu("H100-SXM");
  return moesim::DatabaseOperatorTimer(
      {card, h100, h100, layout, moesim::Dtype::kBf16, {}, nullptr, ""}, tables);
}

}  // namespace

TEST_CASE("operator tables interpolate, clamp at their edges and keep the first repeat",
          "[operator_database]") {
  TempDir dir("optables");
  write_tables(dir.path(), "bfloat16,1,1000,1000,0.01\nbfloat16,100,1000,1000,0.05\n");
  const auto tables = moesim::OperatorTables::load(dir.path());

  // m = 50 between m = 1 (10 us) and m = 100 (50 us): 10 + 49/99 x 40 = 29.798 us.
  const auto inside = tables.gemm("bfloat16", 50, 1000, 1000);
  REQUIRE(inside);
  CHECK_FALSE(inside->clamped);
  CHECK(inside->us == Approx(10 + 49.0 / 99 * 40));
  // m = 200 is beyond the last row: the edge's value, flagged, with the edge's coordinates.
  const auto beyond = tables.gemm("bfloat16", 200, 1000, 1000);
  REQUIRE(beyond);
  CHECK(beyond->clamped);
  CHECK(beyond->us == Approx(50));
  CHECK(beyond->edge[0] == 100);
  CHECK_FALSE(tables.gemm("fp8", 50, 1000, 1000));  // no fp8 rows

  const moesim::OperatorTables::MoeShape shape{"bfloat16", 2, 8, 1024, 512, 1, 1};
  CHECK(tables.moe(shape, "balanced", 1)->us == Approx(20));  // not the repeated 900 us
  // Eager all-reduce rows are not read: 1024 elements take the graph row's 5 us.
  CHECK(tables.all_reduce(2, 1024)->us == Approx(5));
  CHECK(tables.all_reduce(2, 1536)->us == Approx(6));
}

TEST_CASE("operator tables name the file and column they lack", "[operator_database]") {
  TempDir dir("optables_bad");
  write_tables(dir.path(), "bfloat16,1,1000,1000,0.01\n");
  write_text(dir / "moe_perf.csv", "moe_dtype,latency\nbfloat16,0.1\n");
  try {
    (void)moesim::OperatorTables::load(dir.path());
    FAIL("a table without its columns loaded");
  } catch (const moesim::ConfigError& e) {
    CHECK(std::string(e.what()).find("moe_perf.csv") != std::string::npos);
    CHECK(std::string(e.what()).find("distribution") != std::string::npos);
  }
}

TEST_CASE(
    "beyond a table the roofline scales by the edge's efficiency, another GPU by the "
    "roofline ratio",
    "[operator_database]") {
  TempDir dir("optimer");
  write_tables(dir.path(), "bfloat16,1,1000,1000,0.01\nbfloat16,100,1000,1000,0.05\n");
  const auto tables = moesim::OperatorTables::load(dir.path());
  moesim::ModelCard card =
      moesim::load_model_card(source_path("models/catalogue/Qwen3-30B-A3B.yaml"));
  card.vocab_size = 1000;  // the LM head: a bf16 GEMM of n = 1000, k = hidden
  card.hidden_size = 1000;
  moesim::DatabaseTimerConfig config{
      card, test_gpu("A", 1e12), test_gpu("A", 1e12), {}, moesim::Dtype::kBf16, {}, nullptr, ""};
  moesim::DatabaseOperatorTimer same(config, tables);
  moesim::RankLoad load;
  // 200 sequences: m = 200 beyond the table's m = 100. Roofline at 1e12 B/s: m = 100 moves
  // (100 x 1000 + 100 x 1000) x 2 + 1000 x 1000 x 2 = 2.4e6 B = 2.4 us (compute 0.2 us), m = 200
  // moves 2.8e6 B = 2.8 us; the edge runs at 2.4 / 50 of the roofline, so 50 x 2.8 / 2.4.
  load.sequences = 200;
  CHECK(same.head(load) == Approx(50 * 2.8 / 2.4));
  CHECK(same.counts().beyond == 1);
  // Inside the table, on a GPU with twice the bandwidth: m = 50 moves 2.2e6 B, 2.2 us on the
  // tables' GPU and 1.1 us on this one, so the measured 29.798 us halves.
  config.gpu = test_gpu("B", 2e12);
  moesim::DatabaseOperatorTimer moved(config, tables);
  load.sequences = 50;
  CHECK(moved.head(load) == Approx((10 + 49.0 / 99 * 40) / 2));
  CHECK(moved.summary().find("moved to B") != std::string::npos);
}

TEST_CASE("a rank's routed experts take the fused MoE time of a balanced group with its pairs",
          "[operator_database]") {
  const auto tables = trtllm_tables();
  const moesim::DatabaseOperatorTimer timer = qwen3_fp8_tp4_ep4(tables);
  // 32 local experts with one token each: 32 pairs = a balanced group of 32 x 4 / 8 = 16
  // tokens, whose measured row (fp8_block, top-8 of 128, 4096 x 1536, EP4) is 0.224501 ms.
  const std::vector<uint64_t> one_each(32, 1);
  CHECK(timer.experts(one_each, 1) == Approx(224.50133164723715));
  // Twice the pairs on the rank (a hot rank): the group of 32 tokens, 0.22688 ms.
  const std::vector<uint64_t> two_each(32, 2);
  CHECK(timer.experts(two_each, 1) == Approx(226.87999407450357));
  CHECK(timer.experts(std::vector<uint64_t>(32, 0), 1) == 0);
  CHECK(timer.counts().beyond == 0);
  CHECK(timer.counts().transferred == 0);
}

TEST_CASE("routing that leaves local experts idle reads fewer weights than the balanced row",
          "[operator_database]") {
  const auto tables = trtllm_tables();
  const moesim::DatabaseOperatorTimer timer = qwen3_fp8_tp4_ep4(tables);
  // 32 pairs on 16 of the 32 local experts: the balanced row of 16 tokens (224.5 us, every
  // expert active) scaled by the roofline ratio for 16 instead of 32 active experts. At this
  // size the weights dominate (16 x 3 x 4096 x 1536 fp8-block bytes against 32 x 2 x 4096 x 2
  // activation bytes), so the ratio is a little above one half.
  std::vector<uint64_t> half(32, 0);
  for (size_t e = 0; e < 16; ++e) half[e] = 2;
  const double us = timer.experts(half, 1);
  CHECK(us < 224.50133164723715 * 0.52);
  CHECK(us > 224.50133164723715 * 0.5);
}

TEST_CASE("the operator database names a bad tables folder or backend and moves to another GPU",
          "[operator_database][cli]") {
  TempDir dir("opdb_cli");
  const std::string base = source_path("scenarios/validation/silicon_h100.yaml").string();
  const auto missing = moesim::test::run_cli(
      {"run", base, "--set", "serving.cost_model.tables=nowhere", "--out", (dir / "a").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("serving.cost_model.tables") != std::string::npos);
  const auto backend = moesim::test::run_cli(
      {"run", base, "--set", "serving.cost_model.backend=tgi", "--out", (dir / "b").string()});
  CHECK(backend.exit_code == 2);
  CHECK(backend.err.find("serving.cost_model.backend") != std::string::npos);
  // On an H200 the H100 tables are moved by each operator's roofline ratio; the run says so.
  const auto h200 = moesim::test::run_cli(
      {"run", base, "--set", "hardware.gpu=H200", "--out", (dir / "c").string()});
  REQUIRE(h200.exit_code == 0);
  CHECK(h200.out.find("measured on H100-SXM, moved to H200") != std::string::npos);
}

TEST_CASE(
    "MXFP4 experts on vLLM take TRT-LLM's measured MXFP4 kernel, the front end counts in TTFT",
    "[operator_database][cli]") {
  TempDir dir("opdb_mxfp4");
  const std::string base = source_path("scenarios/validation/silicon_h100.yaml").string();
  const std::vector<std::string> gpt_oss = {
      "--set", "model.card=gpt-oss-120b",         "--set", "serving.cost_model.backend=vllm",
      "--set", "serving.tensor_parallel=2",       "--set", "serving.moe_expert_parallel=1",
      "--set", "serving.moe_tensor_parallel=2",   "--set", "workload.closed_loop.concurrency=1",
      "--set", "workload.closed_loop.requests=1", "--set", "workload.closed_loop.output_tokens=4"};
  const auto run = [&](const std::string& name, const std::string& latency,
                       const std::string& per_token = "0 us",
                       const std::string& in_flight = "0 us") {
    std::vector<std::string> args = {
        "run",   base,
        "--out", (dir / name).string(),
        "--set", "serving.cost_model.request_latency=" + latency,
        "--set", "serving.cost_model.prompt_token_latency=" + per_token,
        "--set", "serving.cost_model.in_flight_latency=" + in_flight};
    args.insert(args.end(), gpt_oss.begin(), gpt_oss.end());
    return moesim::test::run_cli(args);
  };
  const auto none = run("none", "0 ms");
  REQUIRE(none.exit_code == 0);
  CHECK(none.out.find("MoE w4a16_mxfp4 kernels from trtllm (trtllm_1.3.0rc10)'s tables") !=
        std::string::npos);
  CHECK(none.out.find("front end") == std::string::npos);
  const auto fifty = run("fifty", "50 ms");
  REQUIRE(fifty.exit_code == 0);
  CHECK(fifty.out.find("front end 50.0 ms per request + 0.0 us per prompt token + 0.00 ms per "
                       "request in flight") != std::string::npos);
  // 10 us for each of the 1024 prompt tokens (the base scenario's input_tokens).
  const auto per_token = run("per_token", "0 ms", "10 us");
  REQUIRE(per_token.exit_code == 0);
  CHECK(per_token.out.find("front end 0.0 ms per request + 10.0 us per prompt token") !=
        std::string::npos);
  // One request alone: the same iterations, 50 ms later.
  const auto ttft = [&](const std::string& name) {
    const std::string csv = moesim::test::read_text(dir / name / "requests.csv");
    const size_t row = csv.find('\n') + 1;
    size_t field = row;
    for (int i = 0; i < 5; ++i) field = csv.find(',', field) + 1;  // ttft_s is the 6th column
    return std::stod(csv.substr(field, csv.find(',', field) - field));
  };
  CHECK(ttft("fifty") - ttft("none") == Approx(0.050).margin(1e-9));
  CHECK(ttft("per_token") - ttft("none") == Approx(0.01024).margin(1e-9));
  // Alone, a request has no other in flight: the in-flight part adds nothing.
  const auto in_flight_alone = run("in_flight_alone", "0 ms", "0 us", "7 ms");
  REQUIRE(in_flight_alone.exit_code == 0);
  CHECK(in_flight_alone.out.find("+ 7.00 ms per request in flight") != std::string::npos);
  CHECK(ttft("in_flight_alone") == Approx(ttft("none")).margin(1e-9));
  const auto bad_in_flight = run("bad_in_flight", "0 ms", "0 us", "-1 ms");
  CHECK(bad_in_flight.exit_code == 2);
  CHECK(bad_in_flight.err.find("serving.cost_model.in_flight_latency") != std::string::npos);
  const auto bad = run("bad", "-1 ms");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("serving.cost_model.request_latency") != std::string::npos);
  const auto bad_token = run("bad_token", "0 ms", "-1 us");
  CHECK(bad_token.exit_code == 2);
  CHECK(bad_token.err.find("serving.cost_model.prompt_token_latency") != std::string::npos);
}

TEST_CASE("a backend without a fitted overhead says its iterations are kernel time only",
          "[operator_database][cli]") {
  TempDir dir("opdb_no_overhead");
  const std::string base = source_path("scenarios/validation/silicon_h100.yaml").string();
  const auto run = [&](const std::string& backend, const std::string& overhead) {
    return moesim::test::run_cli({"run", base, "--out", (dir / (backend + overhead)).string(),
                                  "--set", "serving.cost_model.backend=" + backend, "--set",
                                  "serving.cost_model.framework_overhead=" + overhead, "--set",
                                  "workload.closed_loop.requests=4", "--set",
                                  "workload.closed_loop.output_tokens=4"});
  };
  const std::string kernels_only = "no framework overhead per iteration (kernel time only";
  // SGLang's tables.yaml entry is all 0 (no MoE row to fit it on); TRT-LLM's is fitted.
  const auto sglang = run("sglang", "fitted");
  REQUIRE(sglang.exit_code == 0);
  CHECK(sglang.out.find(kernels_only) != std::string::npos);
  const auto trtllm = run("trtllm", "fitted");
  REQUIRE(trtllm.exit_code == 0);
  CHECK(trtllm.out.find(kernels_only) == std::string::npos);
  const auto none = run("trtllm", "none");
  REQUIRE(none.exit_code == 0);
  CHECK(none.out.find(kernels_only) != std::string::npos);
  // A stated per-iteration time is not silently dropped: it is refused.
  const auto stated = moesim::test::run_cli({"run", base, "--out", (dir / "stated").string(),
                                             "--set", "serving.framework_overhead=4 ms"});
  CHECK(stated.exit_code == 2);
  CHECK(stated.err.find("serving.framework_overhead: the operator_database cost model takes its "
                        "backend's fitted overhead") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "stated"));
}
