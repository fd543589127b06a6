#pragma once
/// Writes the JSON Lines routing trace encoding (.jsonl, traces/FORMAT.md) in its canonical
/// form: fixed key order, no spaces, shortest round-trip numbers, one record per line. Equal
/// records give equal bytes, so a trace survives a round trip through the binary encoding
/// byte for byte.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "traces/routing_trace.h"
#include "traces/staged_file.h"

namespace moesim {

inline constexpr std::string_view kJsonlFormatName = "moesim-routing";
inline constexpr uint32_t kJsonlFormatVersion = 1;

class JsonlTraceWriter : public TraceWriter {
 public:
  /// Throws ConfigError if the header is unusable or the file cannot be created.
  JsonlTraceWriter(const std::filesystem::path& path, TraceHeader header);

  /// Throws ConfigError naming the record if one does not fit the header.
  void write(const RoutingBatch& batch) override;
  void finish() override;

 private:
  void append_record(const RoutingRecordView& r);

  StagedFile file_;
  TraceHeader header_;
  std::string buffer_;    ///< formatted lines not yet written
  uint64_t records_ = 0;  ///< records accepted so far
  bool finished_ = false;
};

}  // namespace moesim
