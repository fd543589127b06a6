// vLLM routed-experts responses (JSON Lines) as canonical routing records.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/routing_samples.h"
#include "support/scenario_files.h"
#include "traces/import/vllm_routed_experts_reader.h"

using Catch::Matchers::Contains;
using moesim::RoutingBatch;
using moesim::RoutingImportOptions;
using moesim::TokenPhase;
using moesim::VllmRoutedExpertsReader;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

// A /v1/completions body: prompt of 3 tokens (the first prefix-cached, -1), 2 generated.
const std::string kServerLine =
    R"({"id": "cmpl-1", "object": "text_completion", "choices": [{"index": 0, "text": "hi", )"
    R"("routed_experts": [[[3, 1], [0, 2]], [[2, 0], [1, 0]]], "finish_reason": "length"}], )"
    R"("usage": {"prompt_tokens": 3, "total_tokens": 5, "completion_tokens": 2}, )"
    R"("prompt_routed_experts": [[[-1, -1], [-1, -1]], [[0, 1], [2, 3]], [[1, 2], [3, 0]]]})";
// The offline form: RequestOutput fields as lists; nothing generated.
const std::string kOfflineLine =
    R"({"prompt_routed_experts": [[[4, 5], [1, 0]]], "routed_experts": null})";
// Generation only; usage places it after a 7-token prompt.
const std::string kGenerationLine =
    R"({"prompt_routed_experts": null, "routed_experts": [[[1, 2], [3, 4]]], )"
    R"("usage": {"prompt_tokens": 7}})";

using Flat = moesim::test::FlatRecord;
using moesim::test::read_flat_records;

std::string error_of(const std::string& text, RoutingImportOptions options = {}) {
  TempDir dir("vllm-errors");
  write_text(dir / "r.jsonl", text);
  try {
    VllmRoutedExpertsReader reader((dir / "r.jsonl").string(), options);
    read_flat_records(reader, 100);
  } catch (const moesim::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

constexpr auto P = TokenPhase::prefill;
constexpr auto D = TokenPhase::decode;

}  // namespace

TEST_CASE("vLLM routed experts become records per token and layer", "[import]") {
  TempDir dir("vllm");
  write_text(dir / "r.jsonl", kServerLine + "\n" + kOfflineLine + "\n\n" + kGenerationLine + "\n");
  VllmRoutedExpertsReader reader((dir / "r.jsonl").string(), {});
  // 2 layers, top-2, largest id 5
  CHECK(reader.header().layers == 2);
  CHECK(reader.header().top_k == 2);
  CHECK(reader.header().experts == 6);
  // Request 0: prompt positions 1 and 2 (0 was cached), generated tokens at steps 1 and 2,
  // positions 3 and 4. Request 1: one prompt token. Request 2 (the fourth line): one generated
  // token at position 7.
  const std::vector<Flat> expected = {
      {0, 0, 1, P, 0, {0, 1}}, {0, 0, 1, P, 1, {2, 3}}, {0, 0, 2, P, 0, {1, 2}},
      {0, 0, 2, P, 1, {3, 0}}, {1, 0, 3, D, 0, {3, 1}}, {1, 0, 3, D, 1, {0, 2}},
      {2, 0, 4, D, 0, {2, 0}}, {2, 0, 4, D, 1, {1, 0}}, {0, 1, 0, P, 0, {4, 5}},
      {0, 1, 0, P, 1, {1, 0}}, {1, 2, 7, D, 0, {1, 2}}, {1, 2, 7, D, 1, {3, 4}}};
  CHECK(read_flat_records(reader, 3) == expected);

  RoutingImportOptions options;
  options.experts = 128;
  options.top_k = 8;
  options.model = "Qwen3-30B-A3B";
  VllmRoutedExpertsReader given((dir / "r.jsonl").string(), options);
  CHECK(given.header().experts == 128);
  CHECK(given.header().top_k == 8);
  CHECK(given.header().model == "Qwen3-30B-A3B");
}

TEST_CASE("bad vLLM captures name the file, line, byte and what was expected", "[import]") {
  CHECK_THAT(
      error_of(kOfflineLine + "\n" + R"({"prompt_routed_experts": [[[1, 2, 3], [1, 2, 3]]]})"),
      Contains("r.jsonl:2: byte") && Contains("2 experts per layer as before, got 3"));
  CHECK_THAT(error_of(kOfflineLine + "\n" + R"({"prompt_routed_experts": [[[1, 2]]]})"),
             Contains("r.jsonl:2") && Contains("2 layers per token as before, got 1"));
  CHECK_THAT(error_of(R"({"prompt_routed_experts": [[[1, 40000]]]})"),
             Contains("expert id in 0..32767 or -1, got 40000"));
  CHECK_THAT(error_of(R"({"choices": [{"routed_experts": null}, {"routed_experts": null}]})"),
             Contains("one choice"));
  CHECK_THAT(error_of(R"({"prompt_routed_experts": "k05VTVBZAQB2AHsn"})"), Contains("base64"));
  CHECK_THAT(error_of(R"({"routed_experts": [[[1, 2]]]})"), Contains("usage.prompt_tokens"));
  CHECK_THAT(error_of(R"({"routed_experts": [[[1]]], "choices": [{"routed_experts": [[[1]]]}], )"
                      R"("usage": {"prompt_tokens": 1}})"),
             Contains("routed_experts once"));
  CHECK_THAT(error_of(R"({"id": "cmpl-2", "choices": []})"
                      "\n"),
             Contains("no routed experts"));
  CHECK_THAT(error_of("{\"prompt_routed_experts\": [[[1, 2]]]\n"),
             Contains("r.jsonl:1: byte") && Contains("',' or '}'"));
  RoutingImportOptions small;
  small.experts = 4;
  CHECK_THAT(error_of(kOfflineLine, small), Contains("expert id 5 found, more than the 4"));
}
