#pragma once
/// Batch schedulers: which requests run in the next engine iteration and how many of their
/// tokens. One scheduler per data-parallel rank, each with its own paged KV cache.

#include <cstdint>
#include <deque>
#include <vector>

#include "models/engine/serving/kv_block_pool.h"
#include "models/engine/serving/serving_request.h"

namespace moesim {

struct BatchItem {
  ServingRequest* request = nullptr;
  uint32_t new_tokens = 0;      ///< tokens computed this iteration
  uint32_t context_before = 0;  ///< tokens already in the request's KV cache
  bool prefill = false;         ///< computing prompt tokens (or recomputing after preemption)
};

struct ScheduledBatch {
  std::vector<BatchItem> items;
  uint64_t tokens() const {
    uint64_t n = 0;
    for (const BatchItem& item : items) n += item.new_tokens;
    return n;
  }
  bool empty() const { return items.empty(); }
};

struct SchedulerLimits {
  uint32_t max_num_seqs = 256;             ///< running requests per rank
  uint32_t max_num_batched_tokens = 8192;  ///< tokens per iteration per rank
};

class BatchScheduler {
 public:
  /// Throws std::invalid_argument if a limit is 0.
  BatchScheduler(SchedulerLimits limits, KvBlockPool pool);
  virtual ~BatchScheduler() = default;

  /// A request has arrived at this rank.
  void add(ServingRequest& request) { waiting_.push_back(&request); }
  /// The next iteration's batch (possibly empty).
  virtual ScheduledBatch schedule() = 0;
  /// Commits an iteration that ended at `end`: advances computed tokens, emits a token for
  /// every request whose context became complete, frees finished requests. Returns the requests
  /// that finished.
  std::vector<ServingRequest*> complete(const ScheduledBatch& batch, Time end);

  size_t running() const { return running_.size(); }
  size_t waiting() const { return waiting_.size(); }
  bool idle() const { return running_.empty() && waiting_.empty(); }
  const KvBlockPool& kv_cache() const { return pool_; }
  uint64_t preemptions() const { return preemptions_; }

 protected:
  /// Frees `request`'s cache and queues it at the front of the waiting queue to be recomputed.
  void preempt(ServingRequest& request);

  SchedulerLimits limits_;
  KvBlockPool pool_;
  std::deque<ServingRequest*> waiting_;
  std::vector<ServingRequest*> running_;
  uint64_t preemptions_ = 0;
};

}  // namespace moesim
