// Two-micro-batch overlap: the schedule of two halves on a compute and a communication stream,
// and the serving option (serving.two_batch_overlap) through the CLI: what it hides, what it
// costs, its trace lanes and its refusals.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/engine/serving/two_batch_schedule.h"
#include "support/scenario_files.h"

using moesim::MicroBatchLayer;
using moesim::OverlapSpan;
using moesim::TwoBatchSchedule;

TEST_CASE("two-batch schedule: streams in order, dependencies kept, exchange hidden", "[overlap]") {
  const MicroBatchLayer half{10, 20, 15, 15};  // attention, experts, dispatch, combine (us)
  TwoBatchSchedule schedule(true);
  for (int layer = 0; layer < 4; ++layer) schedule.add_layer(half, half, true);
  // Compute 4 x 2 x (10 + 20) = 240 us, communication 4 x 2 x 30 = 240 us.
  CHECK(schedule.compute_busy_us() == Approx(240));
  CHECK(schedule.communication_busy_us() == Approx(240));
  // Overlapped: less than the two one after the other, at least the busier stream.
  CHECK(schedule.end_us() < 480);
  CHECK(schedule.end_us() >= 240);
  // Each stream runs one operation at a time; each half's operations follow each other.
  double compute_free = 0, communication_free = 0;
  double last_end[2] = {0, 0};
  for (const OverlapSpan& s : schedule.spans()) {
    double& stream = s.communication() ? communication_free : compute_free;
    CHECK(s.start_us >= stream - 1e-9);
    stream = s.end_us;
    CHECK(s.start_us >= last_end[s.micro_batch] - 1e-9);
    last_end[s.micro_batch] = s.end_us;
  }
  CHECK(schedule.spans().size() == 4 * 8);
}

TEST_CASE("two-batch schedule: nothing to hide without communication", "[overlap]") {
  TwoBatchSchedule schedule(false);
  schedule.add_layer({10, 0, 0, 0}, {10, 0, 0, 0}, false);  // a dense layer
  schedule.add_layer({10, 20, 0, 0}, {10, 20, 0, 0}, true);
  CHECK(schedule.end_us() == Approx(2 * 10 + 2 * 30));
  CHECK(schedule.communication_busy_us() == 0);
  CHECK(schedule.spans().empty());  // not kept
}

namespace {

moesim::test::CliResult run_scale(const std::string& out, bool overlap,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      "run",
      moesim::test::source_path("scenarios/scale/deepseek_v3_1024_h100.yaml").string(),
      "--set",
      "serving.data_parallel=16",
      "--set",
      "hardware.nodes=2",
      "--set",
      "workload.requests=workloads/fixed-1000-200-200.csv",
      "--set",
      "strategies.dispatch=deepep_normal",
      "--set",
      std::string("serving.two_batch_overlap=") + (overlap ? "true" : "false"),
      "--out",
      out,
      "--trace-iterations",
      "2",
      "--quiet"};
  for (const std::string& set : extra) {
    args.push_back("--set");
    args.push_back(set);
  }
  return moesim::test::run_cli(args);
}

double number_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

}  // namespace

TEST_CASE("serving with two-batch overlap hides exchange in prefill and shows both streams",
          "[overlap][serving]") {
  moesim::test::TempDir dir("overlap");
  REQUIRE(run_scale((dir.path() / "off").string(), false).exit_code == 0);
  REQUIRE(run_scale((dir.path() / "on").string(), true).exit_code == 0);
  const std::string off = moesim::test::read_text(dir.path() / "off" / "summary.txt");
  const std::string on = moesim::test::read_text(dir.path() / "on" / "summary.txt");
  // Prefill is compute-bound enough for the exchange to hide: the first token comes sooner.
  CHECK(number_after(on, "TTFT") < number_after(off, "TTFT"));
  CHECK(number_after(on, "two-batch overlap: ") > 0);
  CHECK(off.find("two-batch overlap") == std::string::npos);
  // Exposed communication falls.
  CHECK(number_after(on, "communication") < number_after(off, "communication"));
  const std::string trace = moesim::test::read_text(dir.path() / "on" / "trace.json");
  CHECK(trace.find("two-batch overlap (critical path)") != std::string::npos);
  CHECK(trace.find("dispatch B (layer 3)") != std::string::npos);
}

TEST_CASE("two-batch overlap is refused where it is not modelled", "[overlap][serving]") {
  moesim::test::TempDir dir("overlap-refused");
  const auto pipelined = run_scale((dir.path() / "pp").string(), true,
                                   {"hardware.nodes=4", "serving.pipeline_parallel=2"});
  CHECK(pipelined.exit_code == 2);
  CHECK_THAT(pipelined.err, Catch::Matchers::Contains("two_batch_overlap"));
  const auto profiled = moesim::test::run_cli(
      {"run",
       moesim::test::source_path("scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml").string(),
       "--set", "serving.two_batch_overlap=true", "--out", (dir.path() / "p").string()});
  CHECK(profiled.exit_code == 2);
  CHECK_THAT(profiled.err, Catch::Matchers::Contains("profiled"));
}

TEST_CASE("two-batch overlap on a small decode batch keeps every token and pair", "[overlap]") {
  // Odd decode counts: the halves add up to the batch, so the overlapped run does no less
  // expert and attention work than the batch has (more: weights are read once per half).
  moesim::test::TempDir dir("overlap-odd");
  REQUIRE(run_scale((dir.path() / "off").string(), false, {"serving.max_num_seqs=3"}).exit_code ==
          0);
  REQUIRE(run_scale((dir.path() / "on").string(), true, {"serving.max_num_seqs=3"}).exit_code == 0);
  const std::string off = moesim::test::read_text(dir.path() / "off" / "summary.txt");
  const std::string on = moesim::test::read_text(dir.path() / "on" / "summary.txt");
  CHECK(number_after(on, "MoE blocks") >= number_after(off, "MoE blocks"));
  CHECK(number_after(on, "attention") >= number_after(off, "attention"));
}
