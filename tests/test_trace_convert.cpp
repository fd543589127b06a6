// Trace files by name and content, `moesim trace convert` in both directions, and the check
// that a trace fits a model.

#include <filesystem>
#include <iterator>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/routing_samples.h"
#include "support/scenario_files.h"
#include "traces/trace_checks.h"
#include "traces/trace_files.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::RoutingBatch;
using moesim::ScoreLayout;
using moesim::TraceHeader;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;
namespace fs = std::filesystem;

namespace {

void write_with_factory(const fs::path& file, const TraceHeader& header,
                        const RoutingBatch& records) {
  const auto writer = moesim::open_trace_writer(file, header);
  writer->write(records);
  writer->finish();
}

}  // namespace

TEST_CASE("jsonl to binary to jsonl through the cli is byte-identical", "[traces][cli]") {
  TempDir dir("trace-convert");
  const TraceHeader headers[] = {
      {"Mixtral-8x7B", 32, 8, 2, ScoreLayout::none},
      {"DeepSeek-V3", 58, 256, 8, ScoreLayout::per_choice},
      {"wide \"model\"", 3, 70000, 3, ScoreLayout::full},
  };
  for (const TraceHeader& header : headers) {
    INFO(header.model);
    const size_t records = header.scores == ScoreLayout::full ? 30 : 70000;  // 2 blocks
    write_with_factory(dir / "a.jsonl", header, moesim::test::sample_routing(header, records));
    const auto to_binary =
        run_cli({"trace", "convert", (dir / "a.jsonl").string(), (dir / "b.mtr").string()});
    CHECK(to_binary.exit_code == 0);
    CHECK_THAT(to_binary.out, Contains(std::to_string(records) + " records"));
    const auto back =
        run_cli({"trace", "convert", (dir / "b.mtr").string(), (dir / "c.jsonl").string()});
    CHECK(back.exit_code == 0);
    CHECK(read_text(dir / "c.jsonl") == read_text(dir / "a.jsonl"));
    CHECK(fs::file_size(dir / "b.mtr") < fs::file_size(dir / "a.jsonl"));
  }
}

TEST_CASE("trace convert errors exit 2 with one line and write nothing", "[traces][cli]") {
  TempDir dir("trace-convert-errors");
  moesim::test::write_text(
      dir / "bad.jsonl",
      R"({"format":"moesim-routing","version":1,"model":"m","layers":2,"experts":4,"top_k":1,)"
      R"("scores":"none"})"
      "\n"
      R"({"step":0,"req":0,"pos":0,"phase":"prefill","layer":0,"experts":[4]})"
      "\n");
  const auto bad =
      run_cli({"trace", "convert", (dir / "bad.jsonl").string(), (dir / "out.mtr").string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "moesim: error: " + (dir / "bad.jsonl").string() +
                       ":2: record 1: expert 4 is not below the header's experts (4)\n");
  CHECK_FALSE(fs::exists(dir / "out.mtr"));
  // No partial file is left behind either.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  const auto extension =
      run_cli({"trace", "convert", (dir / "bad.jsonl").string(), (dir / "out.csv").string()});
  CHECK(extension.exit_code == 2);
  CHECK_THAT(extension.err, Contains("out.csv: unknown trace extension, expected .jsonl"));

  const auto missing =
      run_cli({"trace", "convert", (dir / "absent.mtr").string(), (dir / "out.jsonl").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("absent.mtr: cannot open file"));

  CHECK(run_cli({"trace"}).exit_code == 2);
  CHECK(run_cli({"trace", "convert", (dir / "bad.jsonl").string()}).exit_code == 2);
}

TEST_CASE("trace readers are chosen by content, writers by extension", "[traces]") {
  TempDir dir("trace-detect");
  const TraceHeader header{"m", 2, 4, 1, ScoreLayout::none};
  write_with_factory(dir / "a.mtr", header, moesim::test::sample_routing(header, 5));
  fs::copy_file(dir / "a.mtr", dir / "binary.jsonl");
  CHECK(moesim::detect_trace_encoding(dir / "binary.jsonl") == moesim::TraceEncoding::binary);
  const auto reader = moesim::open_trace_reader(dir / "binary.jsonl");
  CHECK(reader->header().experts == 4);
  moesim::test::write_text(dir / "text.bin", "\n {\"format\":1}\n");
  CHECK(moesim::detect_trace_encoding(dir / "text.bin") == moesim::TraceEncoding::jsonl);
  moesim::test::write_text(dir / "other.txt", "step,layer\n");
  CHECK_THROWS_WITH(moesim::open_trace_reader(dir / "other.txt"),
                    (dir / "other.txt").string() +
                        ": not a routing trace: expected the .mtr magic or a JSON Lines header "
                        "line");
  CHECK_THROWS_AS(moesim::open_trace_writer(dir / "x.json", header), ConfigError);
}

TEST_CASE("a trace writer destroyed without finish leaves no file", "[traces]") {
  TempDir dir("trace-unfinished");
  const TraceHeader header{"m", 4, 8, 2, ScoreLayout::per_choice};
  for (const char* name : {"t.mtr", "t.jsonl"}) {
    INFO(name);
    {
      const auto writer = moesim::open_trace_writer(dir / name, header);
      writer->write(moesim::test::sample_routing(header, 100000));  // more than one block
      CHECK_FALSE(fs::is_empty(dir.path()));                        // the staged file
    }
    CHECK(fs::is_empty(dir.path()));
  }
}

TEST_CASE("a trace must match the model's layers and experts", "[traces]") {
  const TraceHeader header{"Mixtral-8x7B", 32, 8, 2, ScoreLayout::none};
  CHECK_NOTHROW(moesim::check_trace_matches_model(header, 32, 8, "t.mtr"));
  CHECK_THROWS_WITH(
      moesim::check_trace_matches_model(header, 61, 256, "t.mtr"),
      "t.mtr: the trace has 32 layers of 8 experts but the model has 61 MoE layers of 256 "
      "experts");
  CHECK_THROWS_AS(moesim::check_trace_matches_model(header, 32, 16, "t.mtr"), ConfigError);
}
