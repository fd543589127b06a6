#include "traces/jsonl_trace_writer.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/json_writer.h"
#include "traces/trace_checks.h"

namespace moesim {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;  // write to the file in chunks of about 1 MiB

template <class T>
void append_number(std::string& out, T v) {
  char digits[32];
  // Floats take their shortest form that reads back to the same value.
  const auto result = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, result.ptr);
}

}  // namespace

JsonlTraceWriter::JsonlTraceWriter(const std::filesystem::path& path, TraceHeader header)
    : file_(path), header_(std::move(header)) {
  const std::string problem = trace_header_problem(header_);
  if (!problem.empty()) throw ConfigError(fmt::format("{}: header: {}", path.string(), problem));
  std::ostringstream line;
  JsonWriter json(line, 0);
  json.begin_object()
      .key("format")
      .value(kJsonlFormatName)
      .key("version")
      .value(kJsonlFormatVersion)
      .key("model")
      .value(header_.model)
      .key("layers")
      .value(header_.layers)
      .key("experts")
      .value(header_.experts)
      .key("top_k")
      .value(header_.top_k)
      .key("scores")
      .value(score_layout_name(header_.scores))
      .end_object();
  buffer_ = line.str() + '\n';
}

void JsonlTraceWriter::append_record(const RoutingRecordView& r) {
  buffer_ += "{\"step\":";
  append_number(buffer_, r.step);
  buffer_ += ",\"req\":";
  append_number(buffer_, r.request);
  buffer_ += ",\"pos\":";
  append_number(buffer_, r.position);
  buffer_ += r.phase == TokenPhase::decode ? ",\"phase\":\"decode\"" : ",\"phase\":\"prefill\"";
  buffer_ += ",\"layer\":";
  append_number(buffer_, r.layer);
  buffer_ += ",\"experts\":[";
  for (size_t k = 0; k < r.experts.size(); ++k) {
    if (k > 0) buffer_ += ',';
    append_number(buffer_, r.experts[k]);
  }
  buffer_ += ']';
  if (header_.scores != ScoreLayout::none) {
    buffer_ += ",\"scores\":[";
    for (size_t k = 0; k < r.scores.size(); ++k) {
      if (k > 0) buffer_ += ',';
      append_number(buffer_, r.scores[k]);
    }
    buffer_ += ']';
  }
  buffer_ += "}\n";
}

void JsonlTraceWriter::write(const RoutingBatch& batch) {
  if (finished_) throw std::logic_error("JsonlTraceWriter::write after finish");
  check_batch_fits_header(header_, batch, file_.final_path().string(), records_);
  for (size_t i = 0; i < batch.size(); ++i) {
    append_record(batch.record(i));
    if (buffer_.size() >= kFlushBytes) {
      file_.write(buffer_);
      buffer_.clear();
    }
  }
  records_ += batch.size();
}

void JsonlTraceWriter::finish() {
  if (finished_) throw std::logic_error("JsonlTraceWriter::finish twice");
  file_.write(buffer_);
  buffer_.clear();
  file_.commit();
  finished_ = true;
}

}  // namespace moesim
