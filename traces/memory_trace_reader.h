#pragma once
/// A TraceReader over records held in memory: for tests, and for statistics of generated
/// traces without a file.

#include <algorithm>

#include "traces/routing_trace.h"

namespace moesim {

class MemoryTraceReader final : public TraceReader {
 public:
  MemoryTraceReader(TraceHeader header, RoutingBatch records)
      : header_(std::move(header)), records_(std::move(records)) {}

  const TraceHeader& header() const override { return header_; }

  bool next(RoutingBatch& out, size_t max_records) override {
    out.clear();
    const size_t end = std::min(records_.size(), next_ + max_records);
    for (; next_ < end; ++next_) out.push(records_.record(next_));
    return !out.empty();
  }

 private:
  TraceHeader header_;
  RoutingBatch records_;
  size_t next_ = 0;
};

}  // namespace moesim
