#include "models/serving/vllm_v1_scheduler.h"

#include <algorithm>

namespace moesim {

ScheduledBatch VllmV1Scheduler::schedule() {
  ScheduledBatch batch;
  uint32_t budget = limits_.max_num_batched_tokens;
  bool preempted = false;

  for (size_t i = 0; i < running_.size() && budget > 0;) {
    ServingRequest& r = *running_[i];
    const uint32_t tokens = std::min(r.tokens_pending(), budget);
    bool scheduled = true;
    while (!pool_.grow_to(r, uint64_t{r.computed} + tokens)) {
      ServingRequest* victim = running_.back();
      running_.pop_back();  // always at or after i, so not yet in this batch
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
