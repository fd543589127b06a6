#include "models/engine/serving/rank_load.h"

namespace moesim {

RankLoad rank_load(const ScheduledBatch& batch) {
  RankLoad load;
  double prefill_context_tokens = 0, prefill_attended_tokens = 0, decode_context = 0;
  for (const BatchItem& item : batch.items) {
    load.tokens += item.new_tokens;
    load.sequences += 1;
    if (item.prefill) {
      load.prefill_tokens += item.new_tokens;
      load.prefill_sequences += 1;
      const double n = item.new_tokens;
      prefill_context_tokens += n * item.context_before;
      prefill_attended_tokens += n * (item.context_before + n / 2);
    } else {
      load.decodes += 1;
      decode_context += item.context_before;
    }
  }
  if (load.prefill_tokens > 0) {
    load.prefill_context = prefill_context_tokens / load.prefill_tokens;
    load.prefill_attended = prefill_attended_tokens / load.prefill_tokens;
  }
  if (load.decodes > 0) load.decode_context = decode_context / load.decodes;
  if (load.tokens == 0) load.tokens = load.sequences = load.decodes = 1;
  return load;
}

}  // namespace moesim
