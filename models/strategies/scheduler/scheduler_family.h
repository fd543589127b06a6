#pragma once
/// Batch schedulers: which requests and tokens form each data-parallel rank's next iteration
/// (models/engine/serving/batch_scheduler.h), selected by `serving.scheduler`.

#include "models/engine/serving/batch_scheduler.h"
#include "models/strategies/strategy_family.h"

namespace moesim {

struct SchedulerContext {
  SchedulerLimits limits;
  uint64_t kv_blocks = 0;  ///< KV cache blocks of the rank
  uint32_t block_size = 16;
};

using SchedulerFamily = StrategyFamily<BatchScheduler, SchedulerContext>;

void add_builtin_schedulers(SchedulerFamily& family);

}  // namespace moesim
