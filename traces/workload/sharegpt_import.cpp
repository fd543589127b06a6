#include "traces/workload/sharegpt_import.h"

#include <fstream>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/json_cursor.h"

namespace moesim {
namespace {

uint32_t read_length(JsonCursor& json, const std::string& key) {
  const int64_t v = json.read_int();
  if (v < 1 || v > std::numeric_limits<uint32_t>::max()) {
    throw ConfigError(fmt::format("{}: '{}': expected a length of at least 1 token, got {}",
                                  json.where(), key, v));
  }
  return static_cast<uint32_t>(v);
}

uint64_t count_elements(JsonCursor& json) {
  json.begin_array();
  uint64_t n = 0;
  while (json.next_element()) {
    json.skip_value();
    ++n;
  }
  return n;
}

WorkloadRequest parse_line(JsonCursor& json, uint64_t id) {
  std::optional<uint32_t> input;
  std::optional<uint32_t> output;
  std::optional<int64_t> arrival_ns;
  std::optional<uint64_t> input_ids;
  std::optional<uint64_t> output_ids;
  json.begin_object();
  std::string key;
  while (json.next_member(key)) {
    if (key == "input_toks") {
      input = read_length(json, key);
    } else if (key == "output_toks") {
      output = read_length(json, key);
    } else if (key == "arrival_time_ns") {
      arrival_ns = json.read_int();
      if (*arrival_ns < 0) json.fail("arrival_time_ns >= 0");
    } else if (key == "input_tok_ids") {
      input_ids = count_elements(json);
    } else if (key == "output_tok_ids") {
      output_ids = count_elements(json);
    } else {
      json.skip_value();
    }
  }
  json.expect_end();
  for (const auto& [present, name] :
       {std::pair{input.has_value(), "input_toks"}, std::pair{output.has_value(), "output_toks"},
        std::pair{arrival_ns.has_value(), "arrival_time_ns"}}) {
    if (!present) throw ConfigError(fmt::format("{}: missing member '{}'", json.where(), name));
  }
  if (input_ids && *input_ids != *input) {
    throw ConfigError(fmt::format("{}: input_tok_ids has {} ids, expected input_toks = {}",
                                  json.where(), *input_ids, *input));
  }
  if (output_ids && *output_ids != *output) {
    throw ConfigError(fmt::format("{}: output_tok_ids has {} ids, expected output_toks = {}",
                                  json.where(), *output_ids, *output));
  }
  WorkloadRequest r;
  r.id = id;
  r.arrival_s = static_cast<double>(*arrival_ns) * 1e-9;
  r.input_tokens = *input;
  r.output_tokens = *output;
  return r;
}

}  // namespace

std::vector<WorkloadRequest> import_sharegpt_jsonl(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot open file", file.string()));
  std::vector<WorkloadRequest> requests;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    JsonCursor json(line, fmt::format("{}:{}", file.string(), line_number));
    WorkloadRequest r = parse_line(json, requests.size());
    if (!requests.empty() && r.arrival_s < requests.back().arrival_s) {
      throw ConfigError(fmt::format(
          "{}: arrival_time_ns is earlier than the previous request's, expected arrivals in "
          "non-decreasing order",
          json.where()));
    }
    requests.push_back(r);
  }
  if (requests.empty()) {
    throw ConfigError(
        fmt::format("{}: no requests, expected one JSON object per line", file.string()));
  }
  return requests;
}

}  // namespace moesim
