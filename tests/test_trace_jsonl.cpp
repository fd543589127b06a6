// The JSON Lines routing trace encoding: its canonical text, a tolerant but checked parser,
// and one-line errors naming the file, line and record.

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/routing_samples.h"
#include "support/scenario_files.h"
#include "traces/jsonl_trace_reader.h"
#include "traces/jsonl_trace_writer.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::JsonlTraceReader;
using moesim::JsonlTraceWriter;
using moesim::RoutingBatch;
using moesim::ScoreLayout;
using moesim::TraceHeader;
using moesim::test::read_text;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const std::string kHeaderLine =
    R"({"format":"moesim-routing","version":1,"model":"tiny","layers":4,"experts":8,)"
    R"("top_k":2,"scores":"per_choice"})";

/// The error message of reading every record of `text`, or "" if it reads cleanly.
std::string read_error(const TempDir& dir, const std::string& text) {
  const auto file = dir / "t.jsonl";
  write_text(file, text);
  try {
    JsonlTraceReader reader(file);
    moesim::test::read_all_records(reader, 64);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("jsonl writer writes the canonical header and records", "[traces]") {
  TempDir dir("jsonl-canonical");
  const TraceHeader header{"tiny", 4, 8, 2, ScoreLayout::per_choice};
  RoutingBatch batch;
  const uint32_t experts[] = {7, 0};
  const float scores[] = {0.75f, 0.25f};
  batch.push({3, 18446744073709551615ull, 12, moesim::TokenPhase::decode, 2, experts, scores});
  batch.push({4, 1, 0, moesim::TokenPhase::prefill, 0, {}, {}});
  JsonlTraceWriter writer(dir / "t.jsonl", header);
  writer.write(batch);
  writer.finish();
  CHECK(read_text(dir / "t.jsonl") ==
        kHeaderLine + "\n" +
            R"({"step":3,"req":18446744073709551615,"pos":12,"phase":"decode","layer":2,)"
            R"("experts":[7,0],"scores":[0.75,0.25]})"
            "\n"
            R"({"step":4,"req":1,"pos":0,"phase":"prefill","layer":0,"experts":[],"scores":[]})"
            "\n");
}

TEST_CASE("jsonl reader accepts spaces, any key order, escapes and blank lines", "[traces]") {
  TempDir dir("jsonl-tolerant");
  const auto file = dir / "t.jsonl";
  write_text(file,
             R"( { "scores" : "full", "top_k":1, "experts":2, "layers":3, "model":"a\"b\u00e9",)"
             R"( "version":1, "format":"moesim-routing" } )"
             "\r\n\n"
             R"({"experts":[1],"layer":2,"phase":"decode","pos":5,"req":6,"step":7,)"
             R"( "scores":[ 1e-3 , -2 ]})");
  JsonlTraceReader reader(file);
  CHECK(reader.header().model == "a\"b\xc3\xa9");
  CHECK(reader.header().scores == ScoreLayout::full);
  RoutingBatch batch;
  REQUIRE(reader.next(batch, 10));
  REQUIRE(batch.size() == 1);
  const auto r = batch.record(0);
  CHECK(r.step == 7);
  CHECK(r.request == 6);
  CHECK(r.position == 5);
  CHECK(r.phase == moesim::TokenPhase::decode);
  CHECK(r.layer == 2);
  CHECK(r.experts.size() == 1);
  CHECK(r.scores[0] == 1e-3f);
  CHECK(r.scores[1] == -2.0f);
  CHECK_FALSE(reader.next(batch, 10));
  CHECK(batch.empty());
}

TEST_CASE("jsonl write then read gives the same records in any batch size", "[traces]") {
  TempDir dir("jsonl-roundtrip");
  for (const ScoreLayout layout : {ScoreLayout::none, ScoreLayout::per_choice, ScoreLayout::full}) {
    const TraceHeader header{"m", 5, 300, 3, layout};
    const RoutingBatch records = moesim::test::sample_routing(header, 500);
    JsonlTraceWriter writer(dir / "t.jsonl", header);
    writer.write(records);
    writer.finish();
    for (const size_t batch : {size_t{1}, size_t{7}, size_t{1000}}) {
      JsonlTraceReader reader(dir / "t.jsonl");
      CHECK(moesim::test::routing_difference(moesim::test::read_all_records(reader, batch),
                                             records) == "");
    }
  }
}

TEST_CASE("jsonl header errors name the file and line 1", "[traces]") {
  TempDir dir("jsonl-header-errors");
  const auto file = (dir / "t.jsonl").string();
  CHECK(read_error(dir, "") == file + ": empty file, expected a header line");
  CHECK(read_error(dir, "[1]\n") ==
        file + ":1: header: expected '{' at the start of the header line, found \"[1]\"");
  CHECK(
      read_error(dir, moesim::test::replace_once(kHeaderLine, "\"version\":1", "\"version\":2")) ==
      file + ":1: header: unsupported version 2 (this build reads version 1)");
  CHECK(read_error(dir, moesim::test::replace_once(kHeaderLine, "moesim-routing", "other")) ==
        file + ":1: header: \"format\" is \"other\", expected \"moesim-routing\"");
  CHECK(read_error(dir, moesim::test::replace_once(kHeaderLine, "\"top_k\":2,", "")) ==
        file + ":1: header: missing \"top_k\"");
  CHECK(read_error(dir, moesim::test::replace_once(kHeaderLine, "per_choice", "all")) ==
        file + ":1: header: \"scores\" is \"all\", expected none, per_choice or full");
  CHECK(read_error(dir, moesim::test::replace_once(kHeaderLine, "\"layers\":4", "\"layers\":0")) ==
        file + ":1: header: layers must be at least 1");
  CHECK(read_error(dir, moesim::test::replace_once(kHeaderLine, "\"model\"", "\"name\"")) ==
        file + ":1: header: unknown key \"name\"");
}

TEST_CASE("jsonl record errors name the file, line and record", "[traces]") {
  TempDir dir("jsonl-record-errors");
  const auto file = (dir / "t.jsonl").string();
  const std::string good =
      R"({"step":1,"req":2,"pos":3,"phase":"decode","layer":1,"experts":[1,2],"scores":[0.5,0.5]})";
  const auto third_record = [&](const std::string& bad) {
    return read_error(dir,
                      kHeaderLine + "\n" + good + "\n" + good + "\n" + bad + "\n" + good + "\n");
  };
  const auto at = file + ":4: record 3: ";
  CHECK(third_record(good) == "");
  CHECK(third_record(good.substr(0, 40)) == at + "unterminated string");
  CHECK(third_record(good.substr(0, 52)) ==
        at + "expected '}' or ',' after a record value, found the end of the line");
  CHECK(third_record("not json") ==
        at + "expected '{' at the start of a record, found \"not json\"");
  CHECK(third_record(moesim::test::replace_once(good, "\"pos\":3,", "")) == at + "missing \"pos\"");
  CHECK(third_record(moesim::test::replace_once(good, ",\"scores\":[0.5,0.5]", "")) ==
        at + "missing \"scores\"");
  CHECK(third_record(moesim::test::replace_once(good, "[1,2]", "[1,8]")) ==
        at + "expert 8 is not below the header's experts (8)");
  CHECK(third_record(moesim::test::replace_once(good, "\"layer\":1", "\"layer\":4")) ==
        at + "layer 4 is not below the header's layers (4)");
  CHECK(third_record(moesim::test::replace_once(good, "[0.5,0.5]", "[0.5]")) ==
        at + "1 scores for 2 experts (scores layout per_choice: one per choice)");
  CHECK(third_record(moesim::test::replace_once(good, "\"layer\":1", "\"layer\":-1")) ==
        at +
            "expected an unsigned integer for \"layer\", found \"-1,\"experts\":[1,2],\"scor...\"");
  CHECK(third_record(moesim::test::replace_once(good, "\"step\":1", "\"step\":1,\"step\":1")) ==
        at + "repeated key \"step\"");
  CHECK(third_record(moesim::test::replace_once(good, "\"req\"", "\"request\"")) ==
        at + "unknown key \"request\"");
  CHECK(third_record(moesim::test::replace_once(good, "decode", "verify")) ==
        at + "\"phase\" is \"verify\", expected prefill or decode");
  CHECK(third_record(moesim::test::replace_once(good, "0.5]", "1e99]")) ==
        at + "expected a finite number in \"scores\", found \"1e99]}\"");
  CHECK(third_record(moesim::test::replace_once(good, "\"pos\":3", "\"pos\":4294967296")) ==
        at + "expected an unsigned integer up to 4294967295 for \"pos\", found "
             "\"4294967296,\"phase\":\"deco...\"");
}

TEST_CASE("jsonl score counts must match the full layout", "[traces]") {
  TempDir dir("jsonl-full-scores");
  const std::string header = moesim::test::replace_once(kHeaderLine, "per_choice", "full");
  const std::string record =
      R"({"step":1,"req":2,"pos":3,"phase":"decode","layer":1,"experts":[1],"scores":[1,2,3]})";
  CHECK(read_error(dir, header + "\n" + record + "\n") ==
        (dir / "t.jsonl").string() +
            ":2: record 1: 3 scores, expected 8 (scores layout full: one per expert)");
  const std::string none = moesim::test::replace_once(kHeaderLine, "per_choice", "none");
  CHECK(read_error(dir, none + "\n" + record + "\n") ==
        (dir / "t.jsonl").string() +
            ":2: record 1: scores given but the header's scores layout "
            "is none");
}

TEST_CASE("jsonl last line cut short is reported as possibly truncated", "[traces]") {
  TempDir dir("jsonl-truncated");
  const std::string record =
      R"({"step":1,"req":2,"pos":3,"phase":"decode","layer":1,"experts":[1,2],"scores":[0.5,0.5]})";
  CHECK_THAT(read_error(dir, kHeaderLine + "\n" + record + "\n" + record.substr(0, 50)),
             Contains(":3: record 2: truncated last line? expected"));
}

TEST_CASE("jsonl writer rejects records that do not fit the header", "[traces]") {
  TempDir dir("jsonl-writer-check");
  const TraceHeader header{"m", 2, 4, 1, ScoreLayout::none};
  RoutingBatch batch;
  const uint32_t bad[] = {4};
  batch.push({0, 0, 0, moesim::TokenPhase::prefill, 0, {}, {}});
  batch.push({0, 0, 0, moesim::TokenPhase::prefill, 0, bad, {}});
  JsonlTraceWriter writer(dir / "t.jsonl", header);
  CHECK_THROWS_WITH(
      writer.write(batch),
      (dir / "t.jsonl").string() + ": record 2: expert 4 is not below the header's experts (4)");
}
