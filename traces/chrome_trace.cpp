#include "traces/chrome_trace.h"

#include <stdexcept>

#include "traces/chrome_trace_writer.h"

namespace moesim {
uint32_t ChromeTrace::add_process(const std::string& name) {
  processes_.push_back(name);
  return static_cast<uint32_t>(processes_.size());  // pid 0 is avoided by viewers
}

uint32_t ChromeTrace::add_lane(uint32_t pid, const std::string& name) {
  if (pid == 0 || pid > processes_.size()) throw std::invalid_argument("unknown trace process");
  uint32_t tid = 1;
  for (const Lane& l : lanes_) {
    if (l.pid == pid) ++tid;
  }
  lanes_.push_back(Lane{pid, tid, name});
  return tid;
}

void ChromeTrace::add_span(uint32_t pid, uint32_t tid, std::string name, std::string category,
                           Time start, Time end) {
  events_.push_back(Event{'X', pid, tid, 0, std::move(name), std::move(category), start, end, ""});
}

void ChromeTrace::add_async(uint32_t pid, std::string name, std::string category, Time start,
                            Time end, std::string args_json) {
  events_.push_back(Event{'A', pid, 0, next_async_id_++, std::move(name), std::move(category),
                          start, end, std::move(args_json)});
}

void ChromeTrace::write(std::ostream& out) const {
  ChromeTraceWriter w(out);
  for (uint32_t i = 0; i < processes_.size(); ++i) w.process(i + 1, processes_[i]);
  for (const Lane& l : lanes_) w.lane(l.pid, l.tid, l.name);
  for (const Event& e : events_) {
    if (e.phase == 'X') {
      w.span(e.pid, e.tid, e.name, e.category, e.start, e.end);
    } else {
      w.async(e.pid, e.id, e.name, e.category, e.start, e.end, e.args_json);
    }
  }
  w.finish();
}

}  // namespace moesim
