// The batch schedulers built into moesim (their classes live in models/engine/serving/).
#include "models/engine/serving/static_batch_scheduler.h"
#include "models/engine/serving/vllm_v1_scheduler.h"
#include "models/strategies/scheduler/scheduler_family.h"

namespace moesim {

void add_builtin_schedulers(SchedulerFamily& family) {
  family.add({{"vllm_v1",
               "vLLM v1 continuous batching: decodes first, chunked prefill, preemption by "
               "recompute",
               {},
               nullptr},
              [](const SchedulerContext& c, const Params&) {
                return std::make_unique<VllmV1Scheduler>(c.limits,
                                                         KvBlockPool(c.kv_blocks, c.block_size));
              }});
  family.add({{"static",
               "static batching (Orca's baseline): a batch runs until all its requests end",
               {},
               nullptr},
              [](const SchedulerContext& c, const Params&) {
                return std::make_unique<StaticBatchScheduler>(
                    c.limits, KvBlockPool(c.kv_blocks, c.block_size));
              }});
}

}  // namespace moesim
