#pragma once
/// Continuous batching after vLLM V1's scheduler (vllm/v1/core/sched/scheduler.py, v0.19):
/// one token budget per iteration; running requests first, in order, each taking the tokens it
/// still needs (one for a decode, a chunk of its prompt otherwise); then waiting requests in
/// arrival order while the budget, max_num_seqs and the KV cache allow, a prompt longer than
/// the remaining budget being chunked. When a running request cannot get the KV blocks it
/// needs, the most recently admitted running request is preempted (its cache freed, to be
/// recomputed later), and no waiting request is admitted in that iteration. With pipeline
/// stages, requests of a batch still in the pipeline are skipped and never preempted.

#include "models/engine/serving/batch_scheduler.h"

namespace moesim {

class VllmV1Scheduler final : public BatchScheduler {
 public:
  using BatchScheduler::BatchScheduler;
  ScheduledBatch schedule() override;
};

}  // namespace moesim
