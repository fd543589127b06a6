#pragma once
/// What one data-parallel rank computes in an iteration, summarised for the cost models.

#include "models/engine/serving/batch_scheduler.h"

namespace moesim {

struct RankLoad {
  double tokens = 0, sequences = 0;
  /// Prompt tokens, and the token-weighted mean of the keys cached before their chunk.
  double prefill_tokens = 0, prefill_context = 0;
  /// Token-weighted mean of the keys a prompt token attends to: those before its chunk and,
  /// causally, half its chunk (a chunk of n tokens after c cached attends c + n/2 on average).
  double prefill_attended = 0;
  double prefill_sequences = 0;            ///< sequences with prompt tokens
  double decodes = 0, decode_context = 0;  ///< context: mean
};

/// The load of `batch`. An empty batch is the one-token dummy batch that an idle
/// data-parallel rank runs while others work (vLLM), one decode of no context.
RankLoad rank_load(const ScheduledBatch& batch);

}  // namespace moesim
