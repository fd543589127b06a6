#pragma once
/// A serving cost model of 1 ms per iteration, whatever the batch, and one vLLM V1 rank: the
/// fixtures of the tests that follow requests through the front end and the clients by hand.

#include <memory>
#include <span>
#include <vector>

#include "models/engine/serving/serving_cost_model.h"
#include "models/engine/serving/vllm_v1_scheduler.h"

namespace moesim::test {

/// 1 ms per iteration.
class MillisecondCost final : public ServingCostModel {
 public:
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    IterationCost c;
    c.duration = Time::ms(1);
    c.rank_busy_us.assign(batches.size(), 0.0);
    return c;
  }
};

/// One vLLM V1 rank of 8 sequences, 64 tokens per iteration and 100 KV blocks of 16 tokens.
inline std::vector<std::unique_ptr<BatchScheduler>> one_rank() {
  std::vector<std::unique_ptr<BatchScheduler>> out;
  out.push_back(std::make_unique<VllmV1Scheduler>(SchedulerLimits{8, 64}, KvBlockPool(100, 16)));
  return out;
}

/// `n` requests of 4 prompt tokens and `outputs` output tokens, sent at `arrivals` (or unsent).
inline std::vector<ServingRequest> four_token_requests(size_t n, uint32_t outputs,
                                                       std::vector<Time> arrivals = {}) {
  std::vector<ServingRequest> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id = i;
    out[i].input_tokens = 4;
    out[i].output_tokens = outputs;
    if (i < arrivals.size()) out[i].arrival = arrivals[i];
  }
  return out;
}

}  // namespace moesim::test
