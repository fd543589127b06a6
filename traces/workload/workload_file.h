#pragma once
/// The request file of a workload (CSV, traces/WORKLOAD.md): columns request_id, arrival_s,
/// input_tokens, output_tokens and optionally routing_request.

#include <filesystem>
#include <vector>

#include "traces/workload/workload_request.h"

namespace moesim {

/// Reads and checks a request file. Throws ConfigError naming the file, the line and what was
/// expected for: a missing or unknown column, a value that is not a non-negative integer
/// (ids, lengths) or a finite number >= 0 (arrival), a length of 0, an arrival earlier than
/// the previous line's, a repeated request_id, or a file without requests.
std::vector<WorkloadRequest> read_workload_csv(const std::filesystem::path& file);

/// Writes requests (arrival with 9 decimals, i.e. to the nanosecond) through a temporary file
/// renamed into place, so a failed write never leaves a file that looks complete. Throws
/// std::runtime_error if the file cannot be written.
void write_workload_csv(const std::filesystem::path& file,
                        const std::vector<WorkloadRequest>& requests);

}  // namespace moesim
