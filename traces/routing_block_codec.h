#pragma once
/// The uncompressed columns of one block of the binary trace format (traces/FORMAT.md,
/// "Block payload"): records are stored column by column, integers as zigzag varint deltas,
/// expert ids fixed-width, scores as four byte planes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/routing_trace.h"

namespace moesim {

/// Where a block sits, for error messages.
struct BlockPlace {
  std::string_view file;
  uint64_t block = 0;         ///< 1-based
  uint64_t first_record = 0;  ///< 1-based number of the block's first record in the trace
};

/// Appends the columns of records [begin, end) of `batch` to `out`. The records must already
/// satisfy routing_record_problem() for `header`.
void pack_routing_block(const RoutingBatch& batch, size_t begin, size_t end,
                        const TraceHeader& header, std::string& out);

/// Replaces `out` with the `records` records stored in `raw`. Throws ConfigError naming the
/// file, block and record when the columns are malformed or a record does not fit `header`.
void unpack_routing_block(const uint8_t* raw, size_t size, uint32_t records,
                          const TraceHeader& header, RoutingBatch& out, const BlockPlace& place);

}  // namespace moesim
