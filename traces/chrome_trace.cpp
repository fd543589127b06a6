#include "traces/chrome_trace.h"

#include <stdexcept>

#include <fmt/format.h>

#include "traces/json_writer.h"

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
  JsonWriter w(out, 0);
  w.begin_object().key("displayTimeUnit").value("ns").key("traceEvents").begin_array();
  out << '\n';
  auto meta = [&](const char* what, uint32_t pid, uint32_t tid, const std::string& name) {
    w.begin_object().key("ph").value("M").key("name").value(what).key("pid").value(pid);
    w.key("tid").value(tid).key("args").begin_object().key("name").value(name).end_object();
    w.end_object();
    out << '\n';
  };
  for (uint32_t i = 0; i < processes_.size(); ++i) meta("process_name", i + 1, 0, processes_[i]);
  for (const Lane& l : lanes_) meta("thread_name", l.pid, l.tid, l.name);
  for (const Event& e : events_) {
    if (e.phase == 'X') {
      w.begin_object().key("ph").value("X").key("name").value(e.name).key("cat").value(e.category);
      w.key("pid").value(e.pid).key("tid").value(e.tid).key("ts").raw(e.start.exact_microseconds());
      w.key("dur").raw((e.end - e.start).exact_microseconds()).end_object();
      out << '\n';
      continue;
    }
    const char* phases[] = {"b", "e"};
    for (const char* ph : phases) {
      const bool begin = ph[0] == 'b';
      w.begin_object().key("ph").value(ph).key("name").value(e.name).key("cat").value(e.category);
      w.key("id").value(e.id).key("pid").value(e.pid).key("tid").value(0);
      w.key("ts").raw((begin ? e.start : e.end).exact_microseconds());
      if (begin && !e.args_json.empty()) w.key("args").raw(e.args_json);
      w.end_object();
      out << '\n';
    }
  }
  w.end_array().end_object();
}

}  // namespace moesim
