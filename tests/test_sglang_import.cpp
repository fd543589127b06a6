// SGLang per_token dumps (torch.save zip + pickle) as canonical routing records. The fixtures
// in tests/data/sglang/ are written by make_fixtures.py there, which emulates torch.save's
// layout with the Python standard library (not a dump from a real SGLang server).

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/routing_samples.h"
#include "support/scenario_files.h"
#include "traces/import/sglang_dump_reader.h"

using Catch::Matchers::Contains;
using moesim::RoutingBatch;
using moesim::RoutingImportOptions;
using moesim::SglangDumpReader;
using moesim::TokenPhase;

namespace {

std::string fixture(const std::string& name) {
  return moesim::test::source_path("tests/data/sglang/" + name).string();
}

using Flat = moesim::test::FlatRecord;
using moesim::test::read_flat_records;

std::string error_of(const std::string& name, RoutingImportOptions options = {}) {
  try {
    SglangDumpReader reader(fixture(name), options);
    read_flat_records(reader, 100);
  } catch (const moesim::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

constexpr uint64_t kBig = uint64_t{1} << 33;
constexpr auto P = TokenPhase::prefill;
constexpr auto D = TokenPhase::decode;

}  // namespace

TEST_CASE("an SGLang per_token dump becomes one record per token and layer", "[import]") {
  RoutingImportOptions options;
  options.model = "fixture";
  SglangDumpReader reader(fixture("per_token_rank0.pt"), options);
  // 2 layers; the map sends 6 physical experts to 4 logical ones; at most 2 valid slots
  CHECK(reader.header().layers == 2);
  CHECK(reader.header().experts == 4);
  CHECK(reader.header().top_k == 2);
  CHECK(reader.header().model == "fixture");
  // Pass 10 extends two sequences (3 and 2 tokens; the second at positions 4, 5); physical
  // 4 and 5 read as logical 0 and 1; token 3 chose nothing at layer 1, so it has no record.
  // Pass 2^33 decodes two requests, one token each; the IDLE pass has no tokens.
  const std::vector<Flat> expected = {
      {10, 0, 0, P, 0, {0, 1}},   {10, 0, 0, P, 1, {1, 2}},   {10, 0, 1, P, 0, {2, 0}},
      {10, 0, 1, P, 1, {1, 3}},   {10, 0, 2, P, 0, {3, 1}},   {10, 0, 2, P, 1, {2, 0}},
      {10, 1, 4, P, 0, {1, 2}},   {10, 1, 5, P, 0, {0, 3}},   {10, 1, 5, P, 1, {3, 1}},
      {kBig, 0, 3, D, 0, {0, 2}}, {kBig, 0, 3, D, 1, {1, 0}}, {kBig, 1, 6, D, 0, {3}},
      {kBig, 1, 6, D, 1, {2, 1}}};
  // batches of 4 split passes and tokens at arbitrary points
  CHECK(read_flat_records(reader, 4) == expected);

  // The same dump with ZIP64 extra fields and end records, as in archives past 4 GiB.
  SglangDumpReader zip64(fixture("per_token_zip64.pt"), options);
  CHECK(read_flat_records(zip64, 1000) == expected);
}

TEST_CASE("without a physical-to-logical map the ids are kept and counted", "[import]") {
  RoutingImportOptions options;
  options.top_k = 8;
  SglangDumpReader reader(fixture("per_token_no_map.pt"), options);
  // the largest physical id is 5; top_k as given
  CHECK(reader.header().experts == 6);
  CHECK(reader.header().top_k == 8);
  const auto records = read_flat_records(reader, 1000);
  REQUIRE(records.size() == 13);
  CHECK(records[1].experts == std::vector<uint32_t>{5, 2});

  options.experts = 3;
  CHECK_THAT(error_of("per_token_no_map.pt", options),
             Contains("token 0 layer 1: expert id 5 in 0..2"));
}

TEST_CASE("bad SGLang dumps name the file, the record or byte, and what was expected", "[import]") {
  CHECK_THAT(error_of("bad_mixed_mode.pt"),
             Contains("bad_mixed_mode.pt: record 0 (forward_pass_id 10)") &&
                 Contains("forward_mode 1 (EXTEND)") && Contains("got 3"));
  CHECK_THAT(error_of("bad_seq_lens.pt"),
             Contains("record 0") && Contains("summing to the 5 tokens of the pass, got 4"));
  CHECK_THAT(error_of("bad_shape.pt"),
             Contains("record 1") && Contains("[layers, 2 tokens, slots]"));
  CHECK_THAT(error_of("bad_expert.pt"),
             Contains("record 1") && Contains("token 1 layer 1: expert id 9 in 0..5"));
  CHECK_THAT(error_of("bad_global.pt"),
             Contains("bad_global/data.pkl: byte") && Contains("got posix.getcwd"));
  CHECK_THAT(error_of("bad_compressed.pt"),
             Contains("stored uncompressed") && Contains("got method 8"));
  CHECK_THAT(error_of("bad_protocol.pt"), Contains("byte 0: expected pickle protocol 2"));
  CHECK_THAT(error_of("absent.pt"), Contains("cannot open"));

  moesim::test::TempDir dir("sglang-bad");
  moesim::test::write_text(dir / "text.pt", "not a zip archive at all, only text\n");
  const std::string whole = moesim::test::read_text(fixture("per_token_rank0.pt"));
  moesim::test::write_text(dir / "cut.pt", whole.substr(0, whole.size() / 2));
  for (const char* name : {"text.pt", "cut.pt"}) {
    try {
      SglangDumpReader reader((dir / name).string(), {});
      FAIL("no error");
    } catch (const moesim::ConfigError& e) {
      CHECK_THAT(std::string(e.what()), Contains(name) && Contains("no end record"));
    }
  }
}
