#pragma once
/// Writes a trace in the Chrome trace event format (JSON object form) as it goes: the header
/// on construction, each record when it is added, the closing brackets in finish(). Memory
/// stays constant however many events are written. ChromeTrace (traces/chrome_trace.h) builds
/// a trace in memory and writes it through this class, so both give the same bytes.
/// Timestamps are microseconds written with six decimals, i.e. exact picoseconds.

#include <cstdint>
#include <ostream>
#include <string_view>

#include "sim/time.h"
#include "traces/json_writer.h"

namespace moesim {

class ChromeTraceWriter {
 public:
  /// Writes the header to `out`, which must outlive the writer.
  explicit ChromeTraceWriter(std::ostream& out);

  /// Metadata: the name of process `pid` (pids start at 1: viewers avoid pid 0).
  void process(uint32_t pid, std::string_view name);
  /// Metadata: the name of lane (thread) `tid` of process `pid`.
  void lane(uint32_t pid, uint32_t tid, std::string_view name);

  /// A complete ("X") event on one lane.
  void span(uint32_t pid, uint32_t tid, std::string_view name, std::string_view category,
            Time start, Time end);
  /// An async pair ("b" then "e") with id `id`; `args_json` is an object or "".
  void async(uint32_t pid, uint64_t id, std::string_view name, std::string_view category,
             Time start, Time end, std::string_view args_json);

  /// Closes the event array and the object; nothing may be added after.
  void finish();

 private:
  void metadata(const char* what, uint32_t pid, uint32_t tid, std::string_view name);

  std::ostream* out_;
  JsonWriter json_;
};

}  // namespace moesim
