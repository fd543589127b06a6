#include "models/engine/serving/two_batch_schedule.h"

#include <algorithm>

namespace moesim {

const char* to_string(OverlapSpan::Op op) {
  switch (op) {
    case OverlapSpan::Op::kAttention:
      return "attention";
    case OverlapSpan::Op::kExperts:
      return "experts";
    case OverlapSpan::Op::kDispatch:
      return "dispatch";
    case OverlapSpan::Op::kCombine:
      return "combine";
  }
  return "unknown";
}

double TwoBatchSchedule::run(OverlapSpan::Op op, uint8_t half, double ready, double duration) {
  const bool comm = op == OverlapSpan::Op::kDispatch || op == OverlapSpan::Op::kCombine;
  double& stream_free = comm ? communication_free_ : compute_free_;
  const double start = std::max(stream_free, ready);
  const double end = start + duration;
  stream_free = end;
  (comm ? communication_busy_ : compute_busy_) += duration;
  if (keep_spans_ && duration > 0) spans_.push_back({op, half, layer_, start, end});
  return end;
}

void TwoBatchSchedule::add_layer(const MicroBatchLayer& a, const MicroBatchLayer& b, bool moe) {
  using Op = OverlapSpan::Op;
  const MicroBatchLayer* half[2] = {&a, &b};
  double attended[2], dispatched[2], computed[2];
  for (uint8_t h = 0; h < 2; ++h)
    attended[h] = run(Op::kAttention, h, ready_[h], half[h]->attention_us);
  if (!moe) {
    ready_[0] = attended[0];
    ready_[1] = attended[1];
  } else {
    for (uint8_t h = 0; h < 2; ++h) {
      dispatched[h] = run(Op::kDispatch, h, attended[h], half[h]->dispatch_us);
    }
    for (uint8_t h = 0; h < 2; ++h) {
      computed[h] = run(Op::kExperts, h, dispatched[h], half[h]->experts_us);
    }
    for (uint8_t h = 0; h < 2; ++h)
      ready_[h] = run(Op::kCombine, h, computed[h], half[h]->combine_us);
  }
  ++layer_;
}

double TwoBatchSchedule::end_us() const {
  return std::max(ready_[0], ready_[1]);
}

}  // namespace moesim
