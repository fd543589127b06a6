#pragma once
/// vLLM's default data-parallel + expert-parallel backend (`allgather_reducescatter`): every
/// rank gathers every rank's tokens, runs its own experts on the pairs routed to them, and a
/// reduce-scatter returns each rank its tokens' sums. What moves does not depend on the
/// routing or the placement. The collectives run on the layout's data-parallel groups on their
/// own GPUs (LayoutCollectives).

#include "models/strategies/dispatch/dispatch_payload.h"

namespace moesim {

class AllGatherReduceScatterDispatch final : public DispatchStrategy {
 public:
  explicit AllGatherReduceScatterDispatch(PayloadParams payload) : payload_(payload) {}

  ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const override;
  bool uses_destinations() const override { return false; }  // every token goes everywhere
  CombineOrder combine_order() const override { return CombineOrder::kRing; }
  PayloadDtypes payload_dtypes() const override { return payload_.dtypes; }

  static DispatchFamily::Entry entry();

 private:
  PayloadParams payload_;
};

}  // namespace moesim
