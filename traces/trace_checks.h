#pragma once
/// Checks shared by every routing trace reader and writer: a header that makes sense, a record
/// that fits its header, and a trace that fits the model it is replayed on.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "traces/routing_trace.h"

namespace moesim {

/// "none", "per_choice" or "full".
std::string_view score_layout_name(ScoreLayout layout);
/// The layout of a name from score_layout_name; nullopt for any other text.
std::optional<ScoreLayout> parse_score_layout(std::string_view name);

/// Empty when the header is usable, else what is wrong (zero layers or experts).
std::string trace_header_problem(const TraceHeader& header);

/// Empty when the record fits the header, else one phrase saying what is wrong: a layer not
/// below header.layers, an expert id not below header.experts, a score count that the score
/// layout does not allow, or a score that is not a finite number.
std::string routing_record_problem(const TraceHeader& header, uint32_t layer,
                                   std::span<const uint32_t> experts,
                                   std::span<const float> scores);

/// Throws ConfigError naming `trace_path` and the record (counted from 1, after
/// `records_before` earlier records) of the first record of `batch` that does not fit `header`.
void check_batch_fits_header(const TraceHeader& header, const RoutingBatch& batch,
                             std::string_view trace_path, uint64_t records_before);

/// Throws ConfigError naming `trace_path` unless the trace has the model's number of MoE
/// layers and routed experts per layer.
void check_trace_matches_model(const TraceHeader& header, uint32_t layers, uint32_t experts,
                               std::string_view trace_path);

}  // namespace moesim
