#pragma once
/// Static batching, the baseline continuous batching replaced (Orca, Yu et al., OSDI 2022):
/// up to max_num_seqs waiting requests form a batch once the engine is idle; the batch runs
/// prefill then decode until every member has finished, and only then is the next batch formed.
/// Prefill is chunked by the token budget. The whole batch's final context is reserved in the
/// KV cache at admission, so it never preempts; a request that cannot fit waits for the next
/// batch.

#include "models/engine/serving/batch_scheduler.h"

namespace moesim {

class StaticBatchScheduler final : public BatchScheduler {
 public:
  using BatchScheduler::BatchScheduler;
  ScheduledBatch schedule() override;
};

}  // namespace moesim
