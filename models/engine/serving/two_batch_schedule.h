#pragma once
/// Two-micro-batch overlap of a serving iteration's layers (SGLang's two-batch overlap,
/// DeepSeek's inference system): the batch is split in two halves, A and B, and while one
/// half's tokens are dispatched to or combined from the experts, the GPU computes the other
/// half. Two in-order streams per GPU:
///   compute:        attention A, attention B, experts A, experts B (each layer in turn)
///   communication:  dispatch A, dispatch B, combine A, combine B
/// A half's dispatch waits for its attention, its experts for its dispatch, its combine for its
/// experts, and its next layer for its combine. A layer without experts runs its two
/// attentions (with the dense FFN) and nothing on the communication stream. Times in
/// microseconds from the start of the first layer.

#include <cstdint>
#include <vector>

namespace moesim {

/// One micro-batch's work in one layer, microseconds.
struct MicroBatchLayer {
  double attention_us = 0;  ///< attention and dense operators (with their TP all-reduces)
  double experts_us = 0;    ///< the routed-expert block (0 in a dense layer)
  double dispatch_us = 0;
  double combine_us = 0;
};

/// One operation of the schedule, for the trace.
struct OverlapSpan {
  enum class Op : uint8_t { kAttention, kExperts, kDispatch, kCombine };
  Op op;
  uint8_t micro_batch;  ///< 0: A, 1: B
  uint32_t layer;
  double start_us, end_us;
  bool communication() const { return op == Op::kDispatch || op == Op::kCombine; }
};

const char* to_string(OverlapSpan::Op op);

class TwoBatchSchedule {
 public:
  /// `keep_spans`: remember every operation (for the trace); otherwise only the times.
  explicit TwoBatchSchedule(bool keep_spans) : keep_spans_(keep_spans) {}

  /// Schedules the next layer; `moe` false for a layer without routed experts.
  void add_layer(const MicroBatchLayer& a, const MicroBatchLayer& b, bool moe);

  /// When both halves have finished the last layer added.
  double end_us() const;
  /// Time the compute stream was busy.
  double compute_busy_us() const { return compute_busy_; }
  /// Time the communication stream was busy.
  double communication_busy_us() const { return communication_busy_; }
  const std::vector<OverlapSpan>& spans() const { return spans_; }

 private:
  double run(OverlapSpan::Op op, uint8_t half, double ready, double duration);

  bool keep_spans_;
  uint32_t layer_ = 0;
  double compute_free_ = 0, communication_free_ = 0;
  double ready_[2] = {0, 0};  // when each half may start its next layer
  double compute_busy_ = 0, communication_busy_ = 0;
  std::vector<OverlapSpan> spans_;
};

}  // namespace moesim
