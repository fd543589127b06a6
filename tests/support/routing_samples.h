#pragma once
/// Routing records for trace file tests: deterministic batches that exercise every corner of
/// the formats (zero and varying choice counts, ids at their limits, both score layouts), and
/// helpers to read a trace back and compare batches.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim::test {

/// `records` records fitting `header`: choice counts cycle through 0 .. top_k + 1, the largest
/// expert id and layer appear, steps and requests reach 2^64 - 1 and positions 2^32 - 1, and
/// scores follow the header's layout (including -0, tiny and huge values).
RoutingBatch sample_routing(const TraceHeader& header, size_t records);

/// Every record of the reader, read `batch_records` at a time and concatenated. Throws
/// std::logic_error if the reader returns more records than asked for, or records with its
/// end.
RoutingBatch read_all_records(TraceReader& reader, size_t batch_records);

/// One record without its scores, comparable with ==: what importer tests spell out.
struct FlatRecord {
  uint64_t step;
  uint64_t request;
  uint32_t position;
  TokenPhase phase;
  uint32_t layer;
  std::vector<uint32_t> experts;
  bool operator==(const FlatRecord&) const = default;
};

/// read_all_records as FlatRecords.
std::vector<FlatRecord> read_flat_records(TraceReader& reader, size_t batch_records);

/// Empty when both batches hold the same records (scores compared bit for bit), else the
/// first difference.
std::string routing_difference(const RoutingBatch& a, const RoutingBatch& b);

}  // namespace moesim::test
