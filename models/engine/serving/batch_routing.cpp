#include "models/engine/serving/batch_routing.h"

#include <algorithm>

namespace moesim {

BatchRouting::BatchRouting(RoutingGenerator& routing, uint32_t experts)
    : routing_(&routing), tokens_per_expert_(experts, 0) {}

void BatchRouting::begin(std::span<const ScheduledBatch> batches) {
  contexts_.clear();
  for (const ScheduledBatch& batch : batches) {
    for (const BatchItem& item : batch.items) {
      const ServingRequest& r = *item.request;
      for (uint32_t i = 0; i < item.new_tokens; ++i) {
        const uint32_t position = item.context_before + i;
        contexts_.push_back(
            TokenContext{step_, r.routing_request, position,
                         position < r.input_tokens ? TokenPhase::prefill : TokenPhase::decode});
      }
    }
  }
  ++step_;
  active_experts_ = 0;
}

const std::vector<uint64_t>& BatchRouting::route(uint32_t layer) {
  // Only the counts are needed: drawn directly where the generator can.
  if (!routing_->generate_counts(layer, contexts_, tokens_per_expert_)) {
    routing_->generate_with_context(layer, contexts_, choices_);
    std::fill(tokens_per_expert_.begin(), tokens_per_expert_.end(), 0);
    for (const uint32_t e : choices_.experts) ++tokens_per_expert_[e];
  }
  active_experts_ += static_cast<uint64_t>(std::count_if(
      tokens_per_expert_.begin(), tokens_per_expert_.end(), [](uint64_t n) { return n > 0; }));
  return tokens_per_expert_;
}

}  // namespace moesim
