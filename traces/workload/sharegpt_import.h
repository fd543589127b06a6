#pragma once
/// Import of LLMServingSim's ShareGPT workload files (JSON Lines, one request per line:
/// input_toks, output_toks, arrival_time_ns, and optionally the token ids input_tok_ids and
/// output_tok_ids), as in casys-kaist/LLMServingSim@5daddb21 workloads/*.jsonl.

#include <filesystem>
#include <vector>

#include "traces/workload/workload_request.h"

namespace moesim {

/// Request i is the i-th non-empty line (id i, the request_idx of LLMServingSim), arriving at
/// arrival_time_ns / 1e9 seconds. Members other than the five above are skipped. Throws
/// ConfigError naming the file, line and byte for: a line that is not a JSON object, a
/// missing or non-integer field, a length < 1, a token-id array whose length differs from
/// its count, an arrival earlier than the previous line's, or a file without requests.
std::vector<WorkloadRequest> import_sharegpt_jsonl(const std::filesystem::path& file);

}  // namespace moesim
