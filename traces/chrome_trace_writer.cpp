#include "traces/chrome_trace_writer.h"

namespace moesim {

ChromeTraceWriter::ChromeTraceWriter(std::ostream& out) : out_(&out), json_(out, 0) {
  json_.begin_object().key("displayTimeUnit").value("ns").key("traceEvents").begin_array();
  *out_ << '\n';
}

void ChromeTraceWriter::metadata(const char* what, uint32_t pid, uint32_t tid,
                                 std::string_view name) {
  json_.begin_object().key("ph").value("M").key("name").value(what).key("pid").value(pid);
  json_.key("tid").value(tid).key("args").begin_object().key("name").value(name).end_object();
  json_.end_object();
  *out_ << '\n';
}

void ChromeTraceWriter::process(uint32_t pid, std::string_view name) {
  metadata("process_name", pid, 0, name);
}

void ChromeTraceWriter::lane(uint32_t pid, uint32_t tid, std::string_view name) {
  metadata("thread_name", pid, tid, name);
}

void ChromeTraceWriter::span(uint32_t pid, uint32_t tid, std::string_view name,
                             std::string_view category, Time start, Time end) {
  json_.begin_object().key("ph").value("X").key("name").value(name).key("cat").value(category);
  json_.key("pid").value(pid).key("tid").value(tid).key("ts").raw(start.exact_microseconds());
  json_.key("dur").raw((end - start).exact_microseconds()).end_object();
  *out_ << '\n';
}

void ChromeTraceWriter::async(uint32_t pid, uint64_t id, std::string_view name,
                              std::string_view category, Time start, Time end,
                              std::string_view args_json) {
  for (const bool begin : {true, false}) {
    json_.begin_object().key("ph").value(begin ? "b" : "e").key("name").value(name);
    json_.key("cat").value(category).key("id").value(id).key("pid").value(pid);
    json_.key("tid").value(0).key("ts").raw((begin ? start : end).exact_microseconds());
    if (begin && !args_json.empty()) json_.key("args").raw(args_json);
    json_.end_object();
    *out_ << '\n';
  }
}

void ChromeTraceWriter::finish() {
  json_.end_array().end_object();
}

}  // namespace moesim
