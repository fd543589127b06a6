#pragma once
/// Reads the JSON Lines routing trace encoding (.jsonl, traces/FORMAT.md): a header object on
/// the first line, then one record object per line. The file is read in chunks, so memory is
/// one chunk (at least the longest line) plus the batch asked for.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim {

class JsonlTraceReader : public TraceReader {
 public:
  /// Opens the file and parses its header line; throws ConfigError naming the file and line.
  explicit JsonlTraceReader(const std::filesystem::path& path);
  ~JsonlTraceReader() override;
  JsonlTraceReader(const JsonlTraceReader&) = delete;
  JsonlTraceReader& operator=(const JsonlTraceReader&) = delete;

  const TraceHeader& header() const override { return header_; }
  bool next(RoutingBatch& out, size_t max_records) override;

 private:
  /// The next non-blank line without its newline; false at the end of the file.
  bool next_line(std::string_view& line);
  void parse_header(std::string_view line);
  void parse_record(std::string_view line, RoutingBatch& out);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  size_t begin_ = 0;  ///< first unread byte in buffer_
  size_t end_ = 0;    ///< end of the bytes read into buffer_
  bool eof_ = false;
  bool line_has_newline_ = true;  ///< false for a last line cut before its newline
  uint64_t line_ = 0;             ///< 1-based number of the line last returned
  uint64_t records_ = 0;          ///< records parsed so far
  TraceHeader header_;
};

}  // namespace moesim
