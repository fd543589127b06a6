#pragma once
/// One request of a serving simulation and its progress through the engine.

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace moesim {

struct ServingRequest {
  uint64_t id = 0;
  Time arrival;  ///< when the client sent it
  /// When it reached the engine's scheduler: the time it left the client (`arrival`, or later
  /// after waiting for a closed loop's connection: ServingSimulation::set_connection_limit)
  /// plus its time in the serving front end (ServingSimulation::set_front_end); Time::max()
  /// before.
  Time queued = Time::max();
  uint32_t input_tokens = 0;     ///< prompt length, >= 1
  uint32_t output_tokens = 0;    ///< tokens to generate, >= 1 (pinned, as with ignore_eos)
  uint32_t dp_rank = 0;          ///< data-parallel rank that schedules it
  uint64_t routing_request = 0;  ///< request id of its records in a routing trace
  /// Sent while a closed loop's clients were still joining (ClientRamp::kFirstToken): a warm-up
  /// request, left out of the run's statistics (request_metrics).
  bool warmup = false;

  // Progress. A request needs `input_tokens + generated` tokens in its KV cache to emit its
  // next token; `computed` of them are there. Preemption frees the cache and sets computed to 0,
  // so the prompt and the tokens generated so far are recomputed (vLLM V1's recompute policy).
  uint32_t computed = 0;
  uint32_t generated = 0;
  uint32_t kv_blocks = 0;  ///< blocks held in the rank's paged KV cache
  uint32_t preemptions = 0;
  /// In a batch that has not completed yet (only possible with pipeline stages): its next
  /// tokens depend on that batch, so it is not scheduled again until then.
  bool in_flight = false;

  Time first_scheduled = Time::max();
  std::vector<Time> token_times;  ///< emission time of each generated token

  uint32_t tokens_needed() const { return input_tokens + generated; }
  uint32_t tokens_pending() const { return tokens_needed() - computed; }
  bool finished() const { return generated >= output_tokens; }
  bool in_prefill() const { return computed < input_tokens; }
};

}  // namespace moesim
