#include "traces/trace_files.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/binary_trace_layout.h"
#include "traces/binary_trace_reader.h"
#include "traces/binary_trace_writer.h"
#include "traces/jsonl_trace_reader.h"
#include "traces/jsonl_trace_writer.h"

namespace moesim {

TraceEncoding detect_trace_encoding(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw ConfigError(fmt::format("{}: cannot open file", path.string()));
  unsigned char start[64];
  const size_t got = std::fread(start, 1, sizeof start, file);
  std::fclose(file);
  if (got >= mtr::kMagic.size() && std::equal(mtr::kMagic.begin(), mtr::kMagic.end(), start)) {
    return TraceEncoding::binary;
  }
  for (size_t i = 0; i < got; ++i) {
    if (start[i] == '{') return TraceEncoding::jsonl;
    if (start[i] != ' ' && start[i] != '\t' && start[i] != '\r' && start[i] != '\n') break;
  }
  throw ConfigError(
      fmt::format("{}: not a routing trace: expected the .mtr magic or a JSON Lines header line",
                  path.string()));
}

TraceEncoding trace_encoding_for_output(const std::filesystem::path& path) {
  const auto extension = path.extension();
  if (extension == ".jsonl") return TraceEncoding::jsonl;
  if (extension == ".mtr") return TraceEncoding::binary;
  throw ConfigError(fmt::format(
      "{}: unknown trace extension, expected .jsonl (JSON Lines) or .mtr (binary)", path.string()));
}

std::unique_ptr<TraceReader> open_trace_reader(const std::filesystem::path& path) {
  if (detect_trace_encoding(path) == TraceEncoding::binary) {
    return std::make_unique<BinaryTraceReader>(path);
  }
  return std::make_unique<JsonlTraceReader>(path);
}

std::unique_ptr<TraceWriter> open_trace_writer(const std::filesystem::path& path,
                                               const TraceHeader& header) {
  if (trace_encoding_for_output(path) == TraceEncoding::binary) {
    return std::make_unique<BinaryTraceWriter>(path, header);
  }
  return std::make_unique<JsonlTraceWriter>(path, header);
}

}  // namespace moesim
