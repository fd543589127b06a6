#include "traces/import/vllm_routed_experts_reader.h"

#include <algorithm>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/json_cursor.h"

namespace moesim {

VllmRoutedExpertsReader::VllmRoutedExpertsReader(const std::filesystem::path& file,
                                                 const RoutingImportOptions& options)
    : path_(file), file_(file.string()) {
  std::ifstream scan(file, std::ios::binary);
  if (!scan) throw ConfigError(fmt::format("{}: cannot open file", file_));
  size_t line_number = 0;
  Request request;
  uint32_t largest = 0;
  uint64_t requests = 0;
  while (read_request(scan, line_number, request)) {
    ++requests;
    for (const auto* part : {&request.prompt, &request.generated}) {
      for (int16_t id : *part) largest = std::max<uint32_t>(largest, id < 0 ? 0 : id + 1);
    }
  }
  if (requests == 0 || header_.layers == 0) {
    throw ConfigError(
        fmt::format("{}: no routed experts, expected one response per line with "
                    "prompt_routed_experts or routed_experts arrays",
                    file_));
  }
  header_.model = options.model;
  header_.top_k = options.top_k != 0 ? options.top_k : width_;
  if (options.experts != 0 && options.experts < largest) {
    throw ConfigError(fmt::format("{}: expert id {} found, more than the {} experts given", file_,
                                  largest - 1, options.experts));
  }
  header_.experts = options.experts != 0 ? options.experts : largest;
  requests_read_ = 0;  // the scan counted them; ids restart for the records
  in_.open(path_, std::ios::binary);
  if (!in_) throw ConfigError(fmt::format("{}: cannot open file", file_));
}

bool VllmRoutedExpertsReader::read_request(std::ifstream& in, size_t& line_number,
                                           Request& request) {
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    JsonCursor json(line, fmt::format("{}:{}", file_, line_number));
    request = Request{};
    parse_request(json, request);
    json.expect_end();
    return true;
  }
  return false;
}

void VllmRoutedExpertsReader::parse_request(JsonCursor& json, Request& request) {
  std::optional<uint64_t> prompt;
  std::optional<uint64_t> generated;
  std::optional<int64_t> usage_prompt;
  const auto set_generated = [&](JsonCursor& j) {
    if (generated) j.fail("routed_experts once (top level or one choice, not both)");
    if (!j.read_null()) generated = parse_routing(j, "routed_experts", request.generated);
  };
  json.begin_object();
  std::string key;
  while (json.next_member(key)) {
    if (key == "prompt_routed_experts") {
      if (!json.read_null()) prompt = parse_routing(json, key.c_str(), request.prompt);
    } else if (key == "routed_experts") {
      set_generated(json);
    } else if (key == "choices") {
      json.begin_array();
      for (size_t i = 0; json.next_element(); ++i) {
        if (i > 0) json.fail("one choice (n = 1): prompt routing is shared between choices");
        json.begin_object();
        std::string member;
        while (json.next_member(member)) {
          if (member == "routed_experts") {
            set_generated(json);
          } else {
            json.skip_value();
          }
        }
      }
    } else if (key == "usage" && json.peek() == '{') {
      json.begin_object();
      std::string member;
      while (json.next_member(member)) {
        if (member == "prompt_tokens") {
          usage_prompt = json.read_int();
          if (*usage_prompt < 0) json.fail("prompt_tokens >= 0");
        } else {
          json.skip_value();
        }
      }
    } else {
      json.skip_value();
    }
  }
  request.id = requests_read_++;
  request.prompt_tokens = prompt.value_or(0);
  request.generated_tokens = generated.value_or(0);
  if (prompt) {
    request.prompt_len = *prompt;
  } else if (usage_prompt) {
    request.prompt_len = static_cast<uint64_t>(*usage_prompt);
  } else if (generated) {
    throw ConfigError(
        fmt::format("{}: routed_experts without prompt_routed_experts or "
                    "usage.prompt_tokens, expected one of them to place the "
                    "generated tokens",
                    json.where()));
  }
}

uint64_t VllmRoutedExpertsReader::parse_routing(JsonCursor& json, const char* name,
                                                std::vector<int16_t>& flat) {
  if (json.peek() == '"') {
    json.fail(
        fmt::format("{} as nested arrays [tokens][layers][top_k] (base64 .npy payloads "
                    "are not supported)",
                    name));
  }
  uint64_t tokens = 0;
  json.begin_array();
  while (json.next_element()) {
    uint32_t layers = 0;
    json.begin_array();
    while (json.next_element()) {
      uint32_t slots = 0;
      json.begin_array();
      while (json.next_element()) {
        const int64_t id = json.read_int();
        if (id < -1 || id > std::numeric_limits<int16_t>::max()) {
          json.fail(fmt::format("{}: an expert id in 0..32767 or -1, got {}", name, id));
        }
        flat.push_back(static_cast<int16_t>(id));
        ++slots;
      }
      if (slots == 0) json.fail(fmt::format("{}: at least one expert per layer", name));
      if (width_ == 0) width_ = slots;
      if (slots != width_) {
        json.fail(fmt::format("{}: {} experts per layer as before, got {}", name, width_, slots));
      }
      ++layers;
    }
    if (layers == 0) json.fail(fmt::format("{}: at least one layer per token", name));
    if (header_.layers == 0) header_.layers = layers;
    if (layers != header_.layers) {
      json.fail(
          fmt::format("{}: {} layers per token as before, got {}", name, header_.layers, layers));
    }
    ++tokens;
  }
  return tokens;
}

bool VllmRoutedExpertsReader::next(RoutingBatch& out, size_t max_records) {
  out.clear();
  while (out.size() < max_records) {
    const uint64_t total = request_.prompt_tokens + request_.generated_tokens;
    if (!have_request_ || token_ >= total) {
      if (!read_request(in_, line_number_, request_)) break;
      have_request_ = true;
      token_ = 0;
      layer_ = 0;
      continue;
    }
    const bool in_prompt = token_ < request_.prompt_tokens;
    const uint64_t g = token_ - request_.prompt_tokens;
    const auto& part = in_prompt ? request_.prompt : request_.generated;
    const uint64_t row = in_prompt ? token_ : g;
    const size_t base = (static_cast<size_t>(row) * header_.layers + layer_) * width_;
    experts_.clear();
    for (uint32_t k = 0; k < width_; ++k) {
      const int16_t id = part[base + k];
      if (id >= 0) experts_.push_back(static_cast<uint32_t>(id));
    }
    if (!experts_.empty()) {
      RoutingRecordView view;
      view.request = request_.id;
      view.step = in_prompt ? 0 : g + 1;
      view.position = static_cast<uint32_t>(in_prompt ? token_ : request_.prompt_len + g);
      view.phase = in_prompt ? TokenPhase::prefill : TokenPhase::decode;
      view.layer = layer_;
      view.experts = experts_;
      out.push(view);
    }
    if (++layer_ == header_.layers) {
      layer_ = 0;
      ++token_;
    }
  }
  return !out.empty();
}

}  // namespace moesim
