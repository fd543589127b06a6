#pragma once
/// Builds a trace in the Chrome trace event format (JSON object form), which Perfetto and
/// chrome://tracing open. Compute tasks are complete ("X") events on one lane (thread) per
/// device stream; network flows are async ("b"/"e") events named by link class, which the
/// viewers stack into one track per class even when flows overlap. The trace is kept in memory
/// until write() (ChromeTraceWriter streams one instead).

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/time.h"

namespace moesim {

class ChromeTrace {
 public:
  /// A process groups lanes ("GPUs", "Network"). Returns its pid.
  uint32_t add_process(const std::string& name);
  /// A lane (thread) in a process. Returns its tid.
  uint32_t add_lane(uint32_t pid, const std::string& name);

  /// A span on one lane; spans on a lane must not overlap partially.
  void add_span(uint32_t pid, uint32_t tid, std::string name, std::string category, Time start,
                Time end);

  /// An async span that may overlap others of the same name; `args_json` is an object or "".
  void add_async(uint32_t pid, std::string name, std::string category, Time start, Time end,
                 std::string args_json);

  size_t event_count() const { return events_.size(); }

  void write(std::ostream& out) const;

 private:
  struct Event {
    char phase;  // 'X' or 'A' (async pair)
    uint32_t pid;
    uint32_t tid;
    uint64_t id;
    std::string name;
    std::string category;
    Time start;
    Time end;
    std::string args_json;
  };
  struct Lane {
    uint32_t pid;
    uint32_t tid;
    std::string name;
  };

  std::vector<std::string> processes_;
  std::vector<Lane> lanes_;
  std::vector<Event> events_;
  uint64_t next_async_id_ = 1;
};

}  // namespace moesim
