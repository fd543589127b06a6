#pragma once
/// One request of a serving workload: when it arrives and how many tokens it reads and writes.
/// traces/WORKLOAD.md documents the file format.

#include <cstdint>
#include <optional>

namespace moesim {

struct WorkloadRequest {
  uint64_t id = 0;             ///< unique within a workload
  double arrival_s = 0.0;      ///< seconds from the start of the workload, >= 0
  uint32_t input_tokens = 1;   ///< prompt length, >= 1
  uint32_t output_tokens = 1;  ///< generated tokens, >= 1
  /// The request id of a routing trace whose records this request replays, if any.
  std::optional<uint64_t> routing_request;
};

}  // namespace moesim
