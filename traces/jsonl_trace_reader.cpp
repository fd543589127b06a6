#include "traces/jsonl_trace_reader.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/json_line_scanner.h"
#include "traces/jsonl_trace_writer.h"
#include "traces/trace_checks.h"

namespace moesim {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;  // read size; lines may be longer

// Bits of the record keys seen so far, to report missing and repeated keys.
enum RecordKey : unsigned {
  kStep = 1,
  kRequest = 2,
  kPosition = 4,
  kPhase = 8,
  kLayer = 16,
  kExperts = 32,
  kScores = 64
};

}  // namespace

JsonlTraceReader::JsonlTraceReader(const std::filesystem::path& path)
    : path_(path.string()), buffer_(kChunkBytes) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (file_ == nullptr) throw ConfigError(fmt::format("{}: cannot open file", path_));
  try {
    std::string_view line;
    if (!next_line(line))
      throw ConfigError(fmt::format("{}: empty file, expected a header line", path_));
    parse_header(line);
  } catch (...) {
    std::fclose(file_);
    throw;
  }
}

JsonlTraceReader::~JsonlTraceReader() {
  std::fclose(file_);
}

bool JsonlTraceReader::next_line(std::string_view& line) {
  while (true) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (newline != nullptr || (eof_ && begin_ < end_)) {
      const size_t length = newline ? static_cast<size_t>(newline - start) : end_ - begin_;
      line = {start, length};
      line_has_newline_ = newline != nullptr;
      begin_ += length + (newline ? 1 : 0);
      ++line_;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
      return true;
    }
    if (eof_) return false;
    // Keep the partial line, grow the buffer if it is full, and read another chunk.
    std::memmove(buffer_.data(), start, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (buffer_.size() - end_ < kChunkBytes / 2) buffer_.resize(buffer_.size() * 2);
    const size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    if (got == 0) {
      if (std::ferror(file_)) throw std::runtime_error(fmt::format("{}: read failed", path_));
      eof_ = true;
    }
    end_ += got;
  }
}

void JsonlTraceReader::parse_header(std::string_view line) {
  const auto fail = [&](const std::string& what) {
    throw ConfigError(fmt::format("{}:{}: header: {}", path_, line_, what));
  };
  bool have_format = false;
  bool have_version = false;
  bool have_model = false;
  bool have_layers = false;
  bool have_experts = false;
  bool have_top_k = false;
  bool have_scores = false;
  try {
    JsonLineScanner s(line);
    s.expect('{', "at the start of the header line");
    if (!s.consume('}')) {
      do {
        const std::string key(s.string("as a header key"));
        const std::string context = fmt::format("for \"{}\"", key);
        s.expect(':', "after the key");
        if (key == "format") {
          const std::string_view format = s.string(context);
          if (format != kJsonlFormatName) {
            fail(fmt::format("\"format\" is \"{}\", expected \"{}\"", format, kJsonlFormatName));
          }
          have_format = true;
        } else if (key == "version") {
          const uint64_t version = s.unsigned_integer(context, UINT32_MAX);
          if (version != kJsonlFormatVersion) {
            fail(fmt::format("unsupported version {} (this build reads version {})", version,
                             kJsonlFormatVersion));
          }
          have_version = true;
        } else if (key == "model") {
          header_.model = s.string(context);
          have_model = true;
        } else if (key == "layers") {
          header_.layers = static_cast<uint32_t>(s.unsigned_integer(context, UINT32_MAX));
          have_layers = true;
        } else if (key == "experts") {
          header_.experts = static_cast<uint32_t>(s.unsigned_integer(context, UINT32_MAX));
          have_experts = true;
        } else if (key == "top_k") {
          header_.top_k = static_cast<uint32_t>(s.unsigned_integer(context, UINT32_MAX));
          have_top_k = true;
        } else if (key == "scores") {
          const std::string_view name = s.string(context);
          const auto layout = parse_score_layout(name);
          if (!layout) {
            fail(fmt::format("\"scores\" is \"{}\", expected none, per_choice or full", name));
          }
          header_.scores = *layout;
          have_scores = true;
        } else {
          fail(fmt::format("unknown key \"{}\"", key));
        }
      } while (s.consume(','));
      s.expect('}', "or ',' after a header value");
    }
    s.expect_end();
  } catch (const JsonLineError& e) {
    fail(e.what());
  }
  const std::pair<bool, const char*> required[] = {
      {have_format, "format"}, {have_version, "version"}, {have_model, "model"},
      {have_layers, "layers"}, {have_experts, "experts"}, {have_top_k, "top_k"},
      {have_scores, "scores"}};
  for (const auto& [have, key] : required) {
    if (!have) fail(fmt::format("missing \"{}\"", key));
  }
  const std::string problem = trace_header_problem(header_);
  if (!problem.empty()) fail(problem);
}

void JsonlTraceReader::parse_record(std::string_view line, RoutingBatch& out) {
  const uint64_t record = records_ + 1;
  const auto fail = [&](std::string_view what) {
    throw ConfigError(fmt::format("{}:{}: record {}: {}{}", path_, line_, record,
                                  line_has_newline_ ? "" : "truncated last line? ", what));
  };
  const size_t experts_at = out.experts.size();
  const size_t scores_at = out.scores.size();
  RoutingRecordView r;
  unsigned seen = 0;
  try {
    JsonLineScanner s(line);
    s.expect('{', "at the start of a record");
    if (!s.consume('}')) {
      do {
        const std::string_view key = s.string("as a record key");
        unsigned bit = 0;
        if (key == "step") {
          bit = kStep;
          s.expect(':', "after \"step\"");
          r.step = s.unsigned_integer("for \"step\"", UINT64_MAX);
        } else if (key == "req") {
          bit = kRequest;
          s.expect(':', "after \"req\"");
          r.request = s.unsigned_integer("for \"req\"", UINT64_MAX);
        } else if (key == "pos") {
          bit = kPosition;
          s.expect(':', "after \"pos\"");
          r.position = static_cast<uint32_t>(s.unsigned_integer("for \"pos\"", UINT32_MAX));
        } else if (key == "phase") {
          bit = kPhase;
          s.expect(':', "after \"phase\"");
          const std::string_view phase = s.string("for \"phase\"");
          if (phase == "decode") {
            r.phase = TokenPhase::decode;
          } else if (phase != "prefill") {
            fail(fmt::format("\"phase\" is \"{}\", expected prefill or decode", phase));
          }
        } else if (key == "layer") {
          bit = kLayer;
          s.expect(':', "after \"layer\"");
          r.layer = static_cast<uint32_t>(s.unsigned_integer("for \"layer\"", UINT32_MAX));
        } else if (key == "experts") {
          bit = kExperts;
          s.expect(':', "after \"experts\"");
          s.unsigned_array("in \"experts\"", out.experts);
        } else if (key == "scores") {
          bit = kScores;
          s.expect(':', "after \"scores\"");
          s.number_array("in \"scores\"", out.scores);
        } else {
          fail(fmt::format("unknown key \"{}\"", key));
        }
        if (seen & bit) fail(fmt::format("repeated key \"{}\"", key));
        seen |= bit;
      } while (s.consume(','));
      s.expect('}', "or ',' after a record value");
    }
    s.expect_end();
  } catch (const JsonLineError& e) {
    fail(e.what());
  }
  const std::pair<unsigned, const char*> required[] = {{kStep, "step"},    {kRequest, "req"},
                                                       {kPosition, "pos"}, {kPhase, "phase"},
                                                       {kLayer, "layer"},  {kExperts, "experts"}};
  for (const auto& [bit, key] : required) {
    if (!(seen & bit)) fail(fmt::format("missing \"{}\"", key));
  }
  if (header_.scores != ScoreLayout::none && !(seen & kScores)) fail("missing \"scores\"");
  r.experts = {out.experts.data() + experts_at, out.experts.size() - experts_at};
  r.scores = {out.scores.data() + scores_at, out.scores.size() - scores_at};
  const std::string problem = routing_record_problem(header_, r.layer, r.experts, r.scores);
  if (!problem.empty()) fail(problem);
  out.step.push_back(r.step);
  out.request.push_back(r.request);
  out.position.push_back(r.position);
  out.phase.push_back(r.phase);
  out.layer.push_back(r.layer);
  out.expert_offsets.push_back(out.experts.size());
  out.score_offsets.push_back(out.scores.size());
  ++records_;
}

bool JsonlTraceReader::next(RoutingBatch& out, size_t max_records) {
  if (max_records == 0) throw std::invalid_argument("next: max_records must be positive");
  out.clear();
  std::string_view line;
  while (out.size() < max_records && next_line(line)) parse_record(line, out);
  return !out.empty();
}

}  // namespace moesim
