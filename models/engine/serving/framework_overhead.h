#pragma once
/// Time a serving engine spends outside the GPU kernels in one iteration (scheduling, input
/// preparation, kernel launches, detokenisation), microseconds, as a function of the batch:
///   decode-only iterations replay a captured CUDA graph (vLLM, SGLang and TRT-LLM all capture
///   decode batches): graph_us + per_sequence_us x sequences;
///   iterations with prompt tokens run eagerly: eager_us + per_sequence_us x sequences
///   + per_token_us x tokens.
/// Under asynchronous scheduling (vLLM's async_scheduling, TRT-LLM's overlap scheduler) the CPU
/// prepares the next batch while the GPU runs this one: what remains is the part the overlap
/// does not hide, which is what a fit to measured iteration times gives.
/// `front_end` is per request, not per iteration: the time a request spends in the serving
/// front end, outside the iteration loop (FrontEndLatency), applied as one delay before the
/// scheduler sees the request (ServingSimulation::set_front_end).

#include <span>

#include "models/engine/serving/front_end_latency.h"
#include "models/engine/serving/rank_load.h"

namespace moesim {

struct FrameworkOverhead {
  double graph_us = 0;         ///< a decode-only iteration, fixed
  double eager_us = 0;         ///< an iteration with prompt tokens, fixed
  double per_sequence_us = 0;  ///< per scheduled sequence
  double per_token_us = 0;     ///< per token of an eager iteration
  FrontEndLatency front_end;   ///< per request, outside the iterations

  /// The overhead of an iteration whose ranks run `loads` (the busiest rank's batch counts).
  double us(std::span<const RankLoad> loads) const {
    double sequences = 0, tokens = 0;
    bool prompt = false;
    for (const RankLoad& l : loads) {
      if (l.sequences > sequences) sequences = l.sequences;
      if (l.tokens > tokens) tokens = l.tokens;
      prompt = prompt || l.prefill_tokens > 0;
    }
    return prompt ? eager_us + per_sequence_us * sequences + per_token_us * tokens
                  : graph_us + per_sequence_us * sequences;
  }
};

}  // namespace moesim
