// Request files: the CSV reader and writer, the LLMServingSim ShareGPT import, the shipped
// validation workload, and the `moesim workload` subcommands.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/scenario_files.h"
#include "traces/workload/sharegpt_import.h"
#include "traces/workload/workload_file.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::read_workload_csv;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const std::string kHeader = "request_id,arrival_s,input_tokens,output_tokens\n";

std::string error_of(const std::filesystem::path& file) {
  try {
    read_workload_csv(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("request files round-trip through the writer and reader", "[workload]") {
  TempDir dir("workload-roundtrip");
  std::vector<moesim::WorkloadRequest> requests(3);
  requests[0] = {5, 0.0, 10, 20, std::nullopt};
  requests[1] = {6, 0.123456789, 1, 1, 42};
  requests[2] = {9, 2.5, 4096, 300, std::nullopt};
  moesim::write_workload_csv(dir / "w.csv", requests);
  const std::string text = read_text(dir / "w.csv");
  // nanosecond resolution, an empty cell when no routing request is linked
  CHECK_THAT(text, Contains("6,0.123456789,1,1,42\n") && Contains("5,0.000000000,10,20,\n"));
  CHECK_FALSE(std::filesystem::exists(dir / "w.csv.partial"));

  const auto back = read_workload_csv(dir / "w.csv");
  REQUIRE(back.size() == 3);
  CHECK(back[1].id == 6);
  CHECK(back[1].arrival_s == 0.123456789);
  CHECK(back[1].routing_request == 42);
  CHECK_FALSE(back[0].routing_request.has_value());
  CHECK(back[2].input_tokens == 4096);
}

TEST_CASE("request files without the routing column and with equal arrivals are valid",
          "[workload]") {
  TempDir dir("workload-minimal");
  write_text(dir / "w.csv", kHeader + "0,1.5,3,4\n1,1.5,2,2\n");
  const auto requests = read_workload_csv(dir / "w.csv");
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].arrival_s == 1.5);
}

TEST_CASE("bad request files are errors naming the file, line and what was expected",
          "[workload]") {
  TempDir dir("workload-errors");
  const auto check = [&](const std::string& name, const std::string& text, const std::string& where,
                         const std::string& what) {
    write_text(dir / name, text);
    const std::string error = error_of(dir / name);
    CAPTURE(error);
    CHECK_THAT(error, Contains(name + ":" + where) && Contains(what));
  };
  check("missing.csv", "request_id,arrival_s,input_tokens\n0,0,1\n", "1", "'output_tokens'");
  check("unknown.csv", "request_id,arrival_s,input_tokens,output_tokens,routing\n0,0,1,1,2\n", "1",
        "unknown column 'routing'");
  check("negative.csv", kHeader + "0,0,-5,1\n", "2", "non-negative integer");
  check("zero.csv", kHeader + "0,0,5,1\n1,0,5,0\n", "3", "length of 1 to");
  check("fraction.csv", kHeader + "0,0,5.5,1\n", "2", "'input_tokens'");
  check("order.csv", kHeader + "0,2,5,1\n1,1,5,1\n", "3", "non-decreasing");
  check("before.csv", kHeader + "0,-1,5,1\n", "2", "seconds >= 0");
  check("arrival.csv", kHeader + "0,soon,5,1\n", "2", "'arrival_s'");
  check("duplicate.csv", kHeader + "3,0,5,1\n3,1,5,1\n", "3", "request_id 3 repeats");
  check("ragged.csv", kHeader + "0,0,5\n", "2", "expected 4 fields");
  check("routing.csv", kHeader.substr(0, kHeader.size() - 1) + ",routing_request\n0,0,5,1,x\n", "2",
        "'routing_request'");
  write_text(dir / "empty.csv", kHeader);
  CHECK_THAT(error_of(dir / "empty.csv"), Contains("no requests"));
}

TEST_CASE("the ShareGPT JSON Lines import keeps lengths and arrivals", "[workload]") {
  TempDir dir("sharegpt");
  write_text(dir / "w.jsonl",
             "{\"input_toks\": 3, \"output_toks\": 2, \"arrival_time_ns\": 46926808, "
             "\"input_tok_ids\": [1, 2, 3], \"output_tok_ids\": [4, 5], \"extra\": {\"a\": [1]}}\n"
             "\n"
             "{\"arrival_time_ns\": 1000000000, \"output_toks\": 1, \"input_toks\": 7}\n");
  const auto requests = moesim::import_sharegpt_jsonl(dir / "w.jsonl");
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].id == 0);
  CHECK(requests[0].arrival_s == Approx(0.046926808).epsilon(1e-15));
  CHECK(requests[0].input_tokens == 3);
  CHECK(requests[0].output_tokens == 2);
  CHECK(requests[1].id == 1);
  CHECK(requests[1].arrival_s == 1.0);
  CHECK(requests[1].input_tokens == 7);
}

TEST_CASE("bad ShareGPT lines are errors naming the file and line", "[workload]") {
  TempDir dir("sharegpt-errors");
  const auto check = [&](const std::string& line, const std::string& what) {
    write_text(dir / "w.jsonl",
               "{\"input_toks\": 3, \"output_toks\": 2, \"arrival_time_ns\": 5}\n" + line + "\n");
    CAPTURE(line);
    CHECK_THROWS_WITH(moesim::import_sharegpt_jsonl(dir / "w.jsonl"),
                      Contains("w.jsonl:2") && Contains(what));
  };
  check("{\"input_toks\": 3, \"output_toks\": 2}", "missing member 'arrival_time_ns'");
  check("{\"input_toks\": 0, \"output_toks\": 2, \"arrival_time_ns\": 9}", "at least 1 token");
  check("{\"input_toks\": 2, \"output_toks\": 2, \"arrival_time_ns\": 4}", "non-decreasing");
  check("{\"input_toks\": 2, \"output_toks\": 2, \"arrival_time_ns\": 9, \"input_tok_ids\": [1]}",
        "input_tok_ids has 1 ids");
  check("{\"input_toks\": 2.5, \"output_toks\": 2, \"arrival_time_ns\": 9}", "an integer");
  check("[1, 2]", "an object");
  check("{\"input_toks\": 2, \"output_toks\": 2, \"arrival_time_ns\": 9} x", "end of the document");
}

TEST_CASE("the shipped validation workload is the LLMServingSim ShareGPT run", "[workload]") {
  const auto requests = read_workload_csv(
      moesim::test::source_path("scenarios/validation/workloads/sharegpt-qwen3-30b-a3b-300.csv"));
  // 300 requests; the first and last lines of the derived requests.csv of the source
  REQUIRE(requests.size() == 300);
  CHECK(requests[0].arrival_s == 0.046926808);
  CHECK(requests[0].input_tokens == 2361);
  CHECK(requests[0].output_tokens == 532);
  CHECK(requests[299].id == 299);
  CHECK(requests[299].arrival_s == 29.183763203);
}

TEST_CASE("moesim workload generate writes the same file for the same seed", "[workload][cli]") {
  TempDir dir("workload-cli");
  const auto generate = [&](const std::string& seed, const std::string& out) {
    return run_cli({"workload", "generate", "--arrival", "gamma", "--cv", "2", "--rate", "5",
                    "--requests", "20", "--input", "lognormal:500:200", "--output",
                    "uniform:10:100", "--seed", seed, "--out", (dir / out).string()});
  };
  const auto first = generate("7", "a.csv");
  CHECK(first.exit_code == 0);
  CHECK_THAT(first.out, Contains("20 requests"));
  CHECK(generate("7", "b.csv").exit_code == 0);
  CHECK(generate("8", "c.csv").exit_code == 0);
  CHECK(read_text(dir / "a.csv") == read_text(dir / "b.csv"));
  CHECK(read_text(dir / "a.csv") != read_text(dir / "c.csv"));
  CHECK(read_workload_csv(dir / "a.csv").size() == 20);
}

TEST_CASE("moesim workload errors exit 2 with one line", "[workload][cli]") {
  TempDir dir("workload-cli-errors");
  const auto bad_length =
      run_cli({"workload", "generate", "--rate", "5", "--requests", "3", "--input", "zero",
               "--output", "5", "--out", (dir / "w.csv").string()});
  CHECK(bad_length.exit_code == 2);
  CHECK_THAT(bad_length.err, Contains("--input") && Contains("'zero'"));
  CHECK_FALSE(std::filesystem::exists(dir / "w.csv"));

  const auto bad_rate =
      run_cli({"workload", "generate", "--rate", "-1", "--requests", "3", "--input", "5",
               "--output", "5", "--out", (dir / "w.csv").string()});
  CHECK(bad_rate.exit_code == 2);
  CHECK_THAT(bad_rate.err, Contains("rate"));

  write_text(dir / "bad.jsonl", "{\"input_toks\": 1}\n");
  const auto bad_import = run_cli(
      {"workload", "import-sharegpt", (dir / "bad.jsonl").string(), (dir / "out.csv").string()});
  CHECK(bad_import.exit_code == 2);
  CHECK_THAT(bad_import.err, Contains("bad.jsonl:1"));
  CHECK(run_cli({"workload"}).exit_code == 2);
}

TEST_CASE("moesim workload import-sharegpt converts the shared workload", "[workload][cli]") {
  const std::filesystem::path shared = moesim::test::source_path(
      "../shared/data/llmservingsim-qwen3moe/e2e_run/workload/"
      "sharegpt-qwen3-30b-a3b-300-sps10.jsonl");
  if (!std::filesystem::exists(shared)) {
    WARN("../shared/data is absent; the shipped file is checked by another test");
    return;
  }
  TempDir dir("sharegpt-shared");
  const auto result =
      run_cli({"workload", "import-sharegpt", shared.string(), (dir / "w.csv").string()});
  CHECK(result.exit_code == 0);
  // the converted file is byte-identical to the shipped one
  CHECK(read_text(dir / "w.csv") ==
        read_text(moesim::test::source_path(
            "scenarios/validation/workloads/sharegpt-qwen3-30b-a3b-300.csv")));
}
