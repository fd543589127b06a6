#pragma once
/// Reads vLLM's routed-experts return (--enable-return-routed-experts) captured as JSON Lines:
/// one request per line, either the body of a /v1/completions or /v1/chat/completions response
/// ({"prompt_routed_experts": [prompt_len][layers][top_k], "choices": [{"routed_experts":
/// [gen_len][layers][top_k]}], "usage": {...}}) or, from the offline API, an object with
/// "prompt_routed_experts" and "routed_experts" (RequestOutput.prompt_routed_experts and
/// outputs[0].routed_experts as lists). Layout from vllm-project/vllm@0087e005
/// docs/training/routed_experts_replay.md; traces/IMPORTERS.md states the mapping.
///
/// Request id = 0-based index of the line among non-empty lines. Prompt token t: step 0,
/// position t, prefill. Generated token g: step g + 1 (iterations are counted per request: the
/// response has no engine-wide step), position prompt_len + g, decode. -1 marks a
/// prefix-cached position; a token-layer without any expert gives no record.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "traces/import/routing_import_options.h"
#include "traces/routing_trace.h"

namespace moesim {

class JsonCursor;

class VllmRoutedExpertsReader : public TraceReader {
 public:
  /// Reads the whole file once to check it and find the layer count, top-k and (unless given)
  /// the expert count. Throws ConfigError naming the file, line, byte and what was expected.
  VllmRoutedExpertsReader(const std::filesystem::path& file, const RoutingImportOptions& options);

  const TraceHeader& header() const override { return header_; }
  bool next(RoutingBatch& out, size_t max_records) override;

 private:
  struct Request {
    uint64_t id = 0;
    uint64_t prompt_len = 0;  ///< tokens before the first generated one
    uint64_t prompt_tokens = 0;
    uint64_t generated_tokens = 0;
    std::vector<int16_t> prompt;     ///< [prompt_tokens, layers, top_k]
    std::vector<int16_t> generated;  ///< [generated_tokens, layers, top_k]
  };

  /// Reads the next request into `request`; false at the end of the file.
  bool read_request(std::ifstream& in, size_t& line_number, Request& request);
  void parse_request(JsonCursor& json, Request& request);
  /// Parses a [tokens][layers][top_k] array into `flat`; returns the token count.
  uint64_t parse_routing(JsonCursor& json, const char* name, std::vector<int16_t>& flat);

  std::filesystem::path path_;
  std::string file_;
  TraceHeader header_;
  uint32_t width_ = 0;  ///< top_k slots per token and layer, as in the file

  std::ifstream in_;
  size_t line_number_ = 0;
  uint64_t requests_read_ = 0;
  bool have_request_ = false;
  Request request_;
  uint64_t token_ = 0;  ///< over prompt then generated tokens
  uint32_t layer_ = 0;
  std::vector<uint32_t> experts_;
};

}  // namespace moesim
