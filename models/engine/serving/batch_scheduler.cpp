#include "models/engine/serving/batch_scheduler.h"

#include <algorithm>
#include <stdexcept>

namespace moesim {

BatchScheduler::BatchScheduler(SchedulerLimits limits, KvBlockPool pool)
    : limits_(limits), pool_(pool) {
  if (limits.max_num_seqs == 0 || limits.max_num_batched_tokens == 0) {
    throw std::invalid_argument("max_num_seqs and max_num_batched_tokens must be positive");
  }
}

std::vector<ServingRequest*> BatchScheduler::complete(const ScheduledBatch& batch, Time end) {
  std::vector<ServingRequest*> finished;
  for (const BatchItem& item : batch.items) {
    ServingRequest& r = *item.request;
    r.computed += item.new_tokens;
    if (r.computed == r.tokens_needed()) {
      ++r.generated;
      r.token_times.push_back(end);
    }
    if (r.finished()) {
      pool_.release(r);
      finished.push_back(&r);
    }
  }
  if (!finished.empty()) {
    std::erase_if(running_, [](const ServingRequest* r) { return r->finished(); });
  }
  return finished;
}

void BatchScheduler::preempt(ServingRequest& request) {
  pool_.release(request);
  request.computed = 0;
  ++request.preemptions;
  ++preemptions_;
  waiting_.push_front(&request);
}

}  // namespace moesim
