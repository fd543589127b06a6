#pragma once
/// The canonical routing trace in memory: a header describing the model, and records in
/// column-oriented batches. Readers and writers of every encoding (JSON Lines, binary,
/// importers of other tools' dumps) exchange these types; traces/FORMAT.md documents them.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace moesim {

enum class TokenPhase : uint8_t { prefill = 0, decode = 1 };

/// How a trace stores gate scores: not at all, one per chosen expert, or the full vector of
/// `experts` scores per record.
enum class ScoreLayout : uint8_t { none = 0, per_choice = 1, full = 2 };

struct TraceHeader {
  std::string model;     ///< model card name or free text; may be empty
  uint32_t layers = 0;   ///< MoE layers the records may name: 0 <= layer < layers
  uint32_t experts = 0;  ///< routed experts per layer: 0 <= expert id < experts
  uint32_t top_k = 0;    ///< nominal choices per token; records may hold fewer or more
  ScoreLayout scores = ScoreLayout::none;
};

/// One routing decision: the experts one token chose at one layer (shared experts are implied
/// by the model and never listed; a token may choose zero experts, e.g. null-expert routing).
struct RoutingRecordView {
  uint64_t step = 0;      ///< engine iteration (forward pass) that ran the token
  uint64_t request = 0;   ///< request id; links to a workload's request
  uint32_t position = 0;  ///< token position within its request
  TokenPhase phase = TokenPhase::prefill;
  uint32_t layer = 0;
  std::span<const uint32_t> experts;
  std::span<const float> scores;  ///< empty, one per expert, or header.experts values
};

/// A batch of records, stored by column so that readers fill it without per-record
/// allocation. Record i chose experts[expert_offsets[i] .. expert_offsets[i + 1]) and carries
/// scores[score_offsets[i] .. score_offsets[i + 1]).
struct RoutingBatch {
  std::vector<uint64_t> step;
  std::vector<uint64_t> request;
  std::vector<uint32_t> position;
  std::vector<TokenPhase> phase;
  std::vector<uint32_t> layer;
  std::vector<uint64_t> expert_offsets{0};
  std::vector<uint32_t> experts;
  std::vector<uint64_t> score_offsets{0};
  std::vector<float> scores;

  size_t size() const { return step.size(); }
  bool empty() const { return step.empty(); }

  void clear() {
    step.clear();
    request.clear();
    position.clear();
    phase.clear();
    layer.clear();
    expert_offsets.assign(1, 0);
    experts.clear();
    score_offsets.assign(1, 0);
    scores.clear();
  }

  /// Appends a record; `record_experts` and `record_scores` are copied.
  void push(const RoutingRecordView& record) {
    step.push_back(record.step);
    request.push_back(record.request);
    position.push_back(record.position);
    phase.push_back(record.phase);
    layer.push_back(record.layer);
    experts.insert(experts.end(), record.experts.begin(), record.experts.end());
    expert_offsets.push_back(experts.size());
    scores.insert(scores.end(), record.scores.begin(), record.scores.end());
    score_offsets.push_back(scores.size());
  }

  RoutingRecordView record(size_t i) const {
    return {step[i],
            request[i],
            position[i],
            phase[i],
            layer[i],
            {experts.data() + expert_offsets[i], experts.data() + expert_offsets[i + 1]},
            {scores.data() + score_offsets[i], scores.data() + score_offsets[i + 1]}};
  }
};

/// A streaming source of records: memory stays bounded by one batch whatever the trace length.
class TraceReader {
 public:
  virtual ~TraceReader() = default;
  virtual const TraceHeader& header() const = 0;
  /// Replaces `out` with up to `max_records` next records; false (and `out` empty) at the end.
  /// Malformed input throws moesim::ConfigError naming the file and record.
  virtual bool next(RoutingBatch& out, size_t max_records) = 0;
};

/// A streaming sink of records. finish() must be called to complete the output; a writer
/// destroyed without finish() leaves no file that looks complete.
class TraceWriter {
 public:
  virtual ~TraceWriter() = default;
  virtual void write(const RoutingBatch& batch) = 0;
  virtual void finish() = 0;
};

}  // namespace moesim
