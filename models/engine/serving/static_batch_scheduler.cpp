#include "models/engine/serving/static_batch_scheduler.h"

#include <algorithm>

namespace moesim {

ScheduledBatch StaticBatchScheduler::schedule() {
  if (running_.empty()) {
    while (!waiting_.empty() && running_.size() < limits_.max_num_seqs) {
      ServingRequest& r = *waiting_.front();
      const uint64_t final_context = uint64_t{r.input_tokens} + r.output_tokens;
      if (!pool_.grow_to(r, final_context)) break;
      waiting_.pop_front();
      running_.push_back(&r);
    }
  }
  ScheduledBatch batch;
  uint32_t budget = limits_.max_num_batched_tokens;
  for (ServingRequest* r : running_) {
    if (budget == 0) break;
    if (r->in_flight) continue;
    const uint32_t tokens = std::min(r->tokens_pending(), budget);
    batch.items.push_back(BatchItem{r, tokens, r->computed, r->in_prefill()});
    budget -= tokens;
  }
  return batch;
}

}  // namespace moesim
