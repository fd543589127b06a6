#include "models/engine/serving/vllm_v1_scheduler.h"

#include <algorithm>

namespace moesim {

ScheduledBatch VllmV1Scheduler::schedule() {
  ScheduledBatch batch;
  uint32_t budget = limits_.max_num_batched_tokens;
  bool preempted = false;

  for (size_t i = 0; i < running_.size() && budget > 0;) {
    ServingRequest& r = *running_[i];
    if (r.in_flight) {
      ++i;
      continue;
    }
    const uint32_t tokens = std::min(r.tokens_pending(), budget);
    bool scheduled = true;
    while (!pool_.grow_to(r, uint64_t{r.computed} + tokens)) {
      // The most recently admitted request not in flight: at or after i (r is not), so not yet
      // in this batch.
      size_t v = running_.size() - 1;
      while (running_[v]->in_flight) --v;
      ServingRequest* victim = running_[v];
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(v));
      preempt(*victim);
      preempted = true;
      if (victim == &r) {
        scheduled = false;
        break;
      }
    }
    if (!scheduled) break;  // r was the last running request
    if (tokens > 0) {
      batch.items.push_back(BatchItem{&r, tokens, r.computed, r.in_prefill()});
      budget -= tokens;
    }
    ++i;
  }

  if (preempted) return batch;
  while (!waiting_.empty() && budget > 0 && running_.size() < limits_.max_num_seqs) {
    ServingRequest& r = *waiting_.front();
    const uint32_t tokens = std::min(r.tokens_pending(), budget);
    if (!pool_.grow_to(r, uint64_t{r.computed} + tokens)) break;
    waiting_.pop_front();
    running_.push_back(&r);
    batch.items.push_back(BatchItem{&r, tokens, r.computed, true});
    budget -= tokens;
  }
  return batch;
}

}  // namespace moesim
