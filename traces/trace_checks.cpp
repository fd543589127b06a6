#include "traces/trace_checks.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

std::string_view score_layout_name(ScoreLayout layout) {
  switch (layout) {
    case ScoreLayout::none:
      return "none";
    case ScoreLayout::per_choice:
      return "per_choice";
    case ScoreLayout::full:
      return "full";
  }
  return "unknown";
}

std::optional<ScoreLayout> parse_score_layout(std::string_view name) {
  for (const ScoreLayout layout : {ScoreLayout::none, ScoreLayout::per_choice, ScoreLayout::full}) {
    if (name == score_layout_name(layout)) return layout;
  }
  return std::nullopt;
}

std::string trace_header_problem(const TraceHeader& header) {
  if (header.layers == 0) return "layers must be at least 1";
  if (header.experts == 0) return "experts must be at least 1";
  return {};
}

std::string routing_record_problem(const TraceHeader& header, uint32_t layer,
                                   std::span<const uint32_t> experts,
                                   std::span<const float> scores) {
  if (layer >= header.layers) {
    return fmt::format("layer {} is not below the header's layers ({})", layer, header.layers);
  }
  for (const uint32_t e : experts) {
    if (e >= header.experts) {
      return fmt::format("expert {} is not below the header's experts ({})", e, header.experts);
    }
  }
  switch (header.scores) {
    case ScoreLayout::none:
      if (!scores.empty()) return "scores given but the header's scores layout is none";
      break;
    case ScoreLayout::per_choice:
      if (scores.size() != experts.size()) {
        return fmt::format("{} scores for {} experts (scores layout per_choice: one per choice)",
                           scores.size(), experts.size());
      }
      break;
    case ScoreLayout::full:
      if (scores.size() != header.experts) {
        return fmt::format("{} scores, expected {} (scores layout full: one per expert)",
                           scores.size(), header.experts);
      }
      break;
  }
  for (const float s : scores) {
    if (!std::isfinite(s)) return "a score is not a finite number";
  }
  return {};
}

void check_batch_fits_header(const TraceHeader& header, const RoutingBatch& batch,
                             std::string_view trace_path, uint64_t records_before) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const RoutingRecordView r = batch.record(i);
    const std::string problem = routing_record_problem(header, r.layer, r.experts, r.scores);
    if (!problem.empty()) {
      throw ConfigError(
          fmt::format("{}: record {}: {}", trace_path, records_before + i + 1, problem));
    }
  }
}

void check_trace_matches_model(const TraceHeader& header, uint32_t layers, uint32_t experts,
                               std::string_view trace_path) {
  if (header.layers == layers && header.experts == experts) return;
  throw ConfigError(fmt::format(
      "{}: the trace has {} layers of {} experts but the model has {} MoE layers of {} experts",
      trace_path, header.layers, header.experts, layers, experts));
}

}  // namespace moesim
