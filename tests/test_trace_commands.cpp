// `moesim trace generate`, `trace stats` and `trace import` through the executable: files
// written, determinism, the token layout, and one-line errors with exit code 2.

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support/scenario_files.h"
#include "traces/calibration/measured_routing.h"
#include "traces/trace_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::RoutingBatch;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

size_t entries_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

/// Exit code 2, and stderr one line that starts as given.
void check_one_line_error(const moesim::test::CliResult& r, const std::string& start) {
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, StartsWith("moesim: error: " + start));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

/// The CSV cell of `column` in the row whose first cell is `key`.
double csv_cell(const std::string& csv, const std::string& key, size_t column) {
  std::istringstream lines(csv);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    if (!cells.empty() && cells[0] == key) return std::stod(cells.at(column));
  }
  throw std::logic_error("no row " + key);
}

}  // namespace

TEST_CASE("trace generate writes the same bytes for the same seed", "[traces][cli]") {
  TempDir dir("trace-generate");
  for (const std::string generator : {"uniform", "zipf", "calibrated"}) {
    INFO(generator);
    const auto run = [&](const std::string& seed, const std::string& name) {
      return run_cli({"trace", "generate", "--model", "Mixtral-8x7B", "--generator", generator,
                      "--tokens", "5000", "--requests", "3", "--seed", seed, "--out",
                      (dir / name).string()});
    };
    const auto a = run("7", "a.mtr");
    REQUIRE(a.exit_code == 0);
    // 5000 tokens x 32 layers, top-2 each
    CHECK_THAT(a.out, Contains("5000 tokens in 3 requests, 160000 records, 320000 expert choices"));
    CHECK(run("7", "b.mtr").exit_code == 0);
    CHECK(read_text(dir / "a.mtr") == read_text(dir / "b.mtr"));
    CHECK(run("8", "c.mtr").exit_code == 0);
    CHECK(read_text(dir / "a.mtr") != read_text(dir / "c.mtr"));
    const auto reader = moesim::open_trace_reader(dir / "a.mtr");
    CHECK(reader->header().model == "Mixtral-8x7B");
    CHECK(reader->header().layers == 32);
    CHECK(reader->header().experts == 8);
    CHECK(reader->header().top_k == 2);
  }
}

TEST_CASE("trace generate spreads tokens over requests as prefill positions", "[traces][cli]") {
  TempDir dir("trace-generate-layout");
  const auto r =
      run_cli({"trace", "generate", "--model", "OLMoE-1B-7B", "--generator", "zipf", "--skew",
               "0.8", "--tokens", "11", "--requests", "3", "--out", (dir / "t.jsonl").string()});
  REQUIRE(r.exit_code == 0);
  const auto reader = moesim::open_trace_reader(dir / "t.jsonl");
  REQUIRE(reader->header().layers == 16);
  // Requests 0 and 1 get 4 tokens, request 2 gets 3; request r runs in step r.
  const std::vector<uint32_t> lengths{4, 4, 3};
  std::vector<std::string> seen;
  RoutingBatch batch;
  size_t i = 0;
  while (reader->next(batch, 7)) {
    for (size_t b = 0; b < batch.size(); ++b, ++i) {
      const auto rec = batch.record(b);
      CHECK(rec.layer == i % 16);
      CHECK(rec.step == rec.request);
      CHECK(rec.phase == moesim::TokenPhase::prefill);
      CHECK(rec.experts.size() == 8);
      if (rec.layer == 0) seen.push_back(fmt::format("{}:{}", rec.request, rec.position));
    }
  }
  CHECK(seen == std::vector<std::string>{"0:0", "0:1", "0:2", "0:3", "1:0", "1:1", "1:2", "1:3",
                                         "2:0", "2:1", "2:2"});
}

TEST_CASE("trace generate errors exit 2 with one line naming the option", "[traces][cli]") {
  TempDir dir("trace-generate-errors");
  const std::string out = (dir / "t.mtr").string();
  const auto generate = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"trace", "generate", "--tokens", "100", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  check_one_line_error(generate({"--model", "Nope", "--generator", "uniform"}),
                       "--model: unknown model card 'Nope', expected one of: DBRX, ");
  check_one_line_error(generate({"--model", "DBRX", "--generator", "calibrated"}),
                       "--model: no routing measurements of 'DBRX' for --generator calibrated, "
                       "expected one of: Mixtral-8x7B, OLMoE-1B-7B");
  check_one_line_error(generate({"--model", "Mixtral-8x7B", "--generator", "zipfian"}),
                       "--generator: unknown generator 'zipfian', expected one of: calibrated, "
                       "uniform, zipf");
  check_one_line_error(
      generate({"--model", "Mixtral-8x7B", "--generator", "calibrated", "--domain", "tulu"}),
      "--domain: no measurements of Mixtral-8x7B on 'tulu', expected one of: arxiv, books, c4, "
      "github, wikipedia");
  check_one_line_error(
      generate({"--model", "Mixtral-8x7B", "--generator", "uniform", "--skew", "1"}),
      "--skew: only for --generator zipf");
  check_one_line_error(generate({"--model", "Mixtral-8x7B", "--generator", "zipf", "--skew", "-1"}),
                       "--skew: expected a number >= 0");
  check_one_line_error(
      generate({"--model", "Mixtral-8x7B", "--generator", "uniform", "--requests", "101"}),
      "--requests: expected 1 to --tokens (100), got 101");
  const auto extension = run_cli({"trace", "generate", "--model", "Mixtral-8x7B", "--generator",
                                  "uniform", "--tokens", "10", "--out", (dir / "t.csv").string()});
  CHECK(extension.exit_code == 2);
  CHECK_THAT(extension.err, Contains("unknown trace extension"));
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("trace generate then trace stats writes every statistic", "[traces][cli]") {
  TempDir dir("trace-generate-stats");
  REQUIRE(run_cli({"trace", "generate", "--model", "OLMoE-1B-7B", "--generator", "zipf", "--tokens",
                   "2000", "--requests", "4", "--out", (dir / "t.jsonl").string()})
              .exit_code == 0);
  const auto stats =
      run_cli({"trace", "stats", (dir / "t.jsonl").string(), "--out", (dir / "stats").string()});
  REQUIRE(stats.exit_code == 0);
  CHECK_THAT(stats.out, StartsWith("trace: 16 layers, 64 experts, top-8 nominal\n"));
  CHECK_THAT(stats.out, Contains("SRP(16) = "));
  CHECK_THAT(stats.out, Contains("SCH(16, 16) = "));
  for (const char* name : {"layer_loads.csv", "expert_loads.csv", "coverage.csv",
                           "coactivation.csv", "crosslayer.csv", "srp.csv", "sch.csv"}) {
    CHECK(fs::is_regular_file(dir / "stats" / name));
  }
  CHECK(csv_cell(read_text(dir / "stats" / "layer_loads.csv"), "0", 1) == 2000);
  // Only the trace and the finished directory: nothing staged is left behind.
  CHECK(entries_in(dir.path()) == 2);

  // The same statistics from the binary encoding; --no-sch leaves SCH out.
  REQUIRE(run_cli({"trace", "convert", (dir / "t.jsonl").string(), (dir / "t.mtr").string()})
              .exit_code == 0);
  const auto binary = run_cli({"trace", "stats", (dir / "t.mtr").string(), "--no-sch", "--out",
                               (dir / "stats-binary").string()});
  REQUIRE(binary.exit_code == 0);
  CHECK(read_text(dir / "stats-binary" / "srp.csv") == read_text(dir / "stats" / "srp.csv"));
  CHECK(read_text(dir / "stats-binary" / "sch.csv") == "m,layer,cache_experts,hit_rate\n");
  CHECK_THAT(binary.out, !Contains("SCH("));
}

TEST_CASE("stats of a calibrated Mixtral trace match the measured skew", "[traces][cli]") {
  TempDir dir("trace-calibrated-stats");
  REQUIRE(run_cli({"trace", "generate", "--model", "Mixtral-8x7B", "--generator", "calibrated",
                   "--domain", "arxiv", "--tokens", "40000", "--requests", "8", "--out",
                   (dir / "t.mtr").string()})
              .exit_code == 0);
  const auto stats =
      run_cli({"trace", "stats", (dir / "t.mtr").string(), "--out", (dir / "stats").string()});
  REQUIRE(stats.exit_code == 0);
  CHECK_THAT(stats.out, Contains("trace: 32 layers, 8 experts, top-2 nominal"));
  const std::string loads = read_text(dir / "stats" / "layer_loads.csv");
  const auto measured = moesim::load_measured_routing(moesim::default_routing_stats_dir())
                            .at({"Mixtral-8x7B", "arxiv"});
  for (const uint32_t layer : {0u, 7u, 15u}) {
    INFO("layer " << layer);
    const auto& counts = measured.topk_load.at(layer);
    double total = 0.0;
    for (const double c : counts) total += c;
    const double measured_max_over_mean =
        *std::max_element(counts.begin(), counts.end()) / (total / counts.size());
    const double generated = csv_cell(loads, std::to_string(layer), 3);
    CHECK(generated > 1.0);
    CHECK(generated == Approx(measured_max_over_mean).epsilon(0.05));
  }
}

TEST_CASE("trace stats errors exit 2 with one line and leave no directory", "[traces][cli]") {
  TempDir dir("trace-stats-errors");
  write_text(dir / "bad.jsonl",
             R"({"format":"moesim-routing","version":1,"model":"m","layers":2,"experts":4,)"
             R"("top_k":1,"scores":"none"})"
             "\n"
             R"({"step":0,"req":0,"pos":0,"phase":"prefill","layer":2,"experts":[1]})"
             "\n");
  const auto bad =
      run_cli({"trace", "stats", (dir / "bad.jsonl").string(), "--out", (dir / "s").string()});
  check_one_line_error(bad, (dir / "bad.jsonl").string() + ":2: record 1: layer 2");
  const auto missing =
      run_cli({"trace", "stats", (dir / "missing.mtr").string(), "--out", (dir / "s").string()});
  check_one_line_error(missing, (dir / "missing.mtr").string());
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("trace import converts SGLang and vLLM dumps", "[traces][cli]") {
  TempDir dir("trace-import");
  const auto sglang = run_cli({"trace", "import", "--from", "sglang",
                               source_path("tests/data/sglang/per_token_rank0.pt").string(),
                               (dir / "s.jsonl").string(), "--experts", "5"});
  REQUIRE(sglang.exit_code == 0);
  CHECK_THAT(sglang.out, Contains("13 records, 25 expert choices"));
  const auto s = moesim::open_trace_reader(dir / "s.jsonl");
  CHECK(s->header().layers == 2);
  CHECK(s->header().experts == 5);
  CHECK(s->header().top_k == 2);

  // One completions response: 3 prompt tokens (the first prefix-cached), 2 generated, 2 layers.
  write_text(dir / "v.jsonl",
             R"({"choices": [{"routed_experts": [[[3, 1], [0, 2]], [[2, 0], [1, 0]]]}], )"
             R"("prompt_routed_experts": [[[-1, -1], [-1, -1]], [[0, 1], [2, 3]], )"
             R"([[1, 2], [3, 0]]]})"
             "\n");
  const auto vllm = run_cli({"trace", "import", "--from", "vllm", (dir / "v.jsonl").string(),
                             (dir / "v.mtr").string(), "--model", "Mixtral-8x7B"});
  REQUIRE(vllm.exit_code == 0);
  CHECK_THAT(vllm.out, Contains("8 records, 16 expert choices"));
  const auto v = moesim::open_trace_reader(dir / "v.mtr");
  CHECK(v->header().model == "Mixtral-8x7B");
  CHECK(v->header().experts == 8);
  CHECK(v->header().top_k == 2);
}

TEST_CASE("trace import errors exit 2 with one line and write nothing", "[traces][cli]") {
  TempDir dir("trace-import-errors");
  const std::string dump = source_path("tests/data/sglang/per_token_rank0.pt").string();
  const std::string out = (dir / "t.mtr").string();
  check_one_line_error(run_cli({"trace", "import", "--from", "megatron", dump, out}),
                       "--from: unknown dump format 'megatron', expected sglang or vllm");
  check_one_line_error(run_cli({"trace", "import", "--from", "sglang", dump, out, "--model", "X"}),
                       "--model: unknown model card 'X', expected one of: DBRX, ");
  check_one_line_error(run_cli({"trace", "import", "--from", "sglang", dump, out, "--model",
                                "Mixtral-8x7B", "--top-k", "2"}),
                       "--top-k: not allowed with --model");
  // A malformed dump: the importer's own message, on one line.
  check_one_line_error(run_cli({"trace", "import", "--from", "sglang",
                                source_path("tests/data/sglang/bad_expert.pt").string(), out}),
                       "");
  check_one_line_error(run_cli({"trace", "import", "--from", "vllm", dump, out}), dump);
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("trace generate defaults are a scenario's routing defaults", "[traces][cli]") {
  // docs/scenario.md: routing.skew defaults to 1.0 and routing.domain to c4; a trace generated
  // without --skew or --domain must be the one generated with them.
  TempDir dir("trace-generate-defaults");
  const auto generate = [&](const std::string& model, const std::string& generator,
                            std::vector<std::string> extra, const std::string& name) {
    std::vector<std::string> args{"trace",   "generate", "--model", model,   "--generator",
                                  generator, "--tokens", "300",     "--out", (dir / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    REQUIRE(r.exit_code == 0);
    return read_text(dir / name);
  };
  CHECK(generate("OLMoE-1B-7B", "zipf", {}, "a.mtr") ==
        generate("OLMoE-1B-7B", "zipf", {"--skew", "1.0"}, "b.mtr"));
  CHECK(generate("OLMoE-1B-7B", "zipf", {}, "a.mtr") !=
        generate("OLMoE-1B-7B", "zipf", {"--skew", "1.2"}, "c.mtr"));
  CHECK(generate("Mixtral-8x7B", "calibrated", {}, "d.mtr") ==
        generate("Mixtral-8x7B", "calibrated", {"--domain", "c4"}, "e.mtr"));
  const auto help = run_cli({"trace", "generate", "--help"});
  CHECK_THAT(help.out, Contains("(c4)") && Contains("exponent (1)"));
}
