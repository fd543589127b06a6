#include "models/engine/serving/rank_load.h"

namespace moesim {

RankLoad rank_load(const ScheduledBatch& batch) {
  RankLoad load;
  double prefill_context_tokens = 0, decode_context = 0;
  for (const BatchItem& item : batch.items) {
    load.tokens += item.new_tokens;
    load.sequences += 1;
    if (item.prefill) {
      load.prefill_tokens += item.new_tokens;
      load.prefill_sequences += 1;
      prefill_context_tokens += static_cast<double>(item.new_tokens) * item.context_before;
    } else {
      load.decodes += 1;
      decode_context += item.context_before;
    }
  }
  if (load.prefill_tokens > 0) load.prefill_context = prefill_context_tokens / load.prefill_tokens;
  if (load.decodes > 0) load.decode_context = decode_context / load.decodes;
  if (load.tokens == 0) load.tokens = load.sequences = load.decodes = 1;
  return load;
}

}  // namespace moesim
