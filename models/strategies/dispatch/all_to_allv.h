#pragma once
/// NCCL all-to-all with per-pair sizes, flat: every rank sends each token once to every rank
/// holding one of its experts, all pairs in one step; combine returns one partial result per
/// (token, rank) the same way (SGLang's and vLLM's all-to-all backends without DeepEP).

#include "models/strategies/dispatch/dispatch_payload.h"
#include "models/strategies/dispatch/dispatch_strategy.h"

namespace moesim {

class AllToAllvDispatch final : public DispatchStrategy {
 public:
  explicit AllToAllvDispatch(PayloadParams payload) : payload_(payload) {}

  ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const override;
  CombineOrder combine_order() const override { return CombineOrder::kPerRank; }
  PayloadDtypes payload_dtypes() const override { return payload_.dtypes; }

  static DispatchFamily::Entry entry();

 private:
  PayloadParams payload_;
};

}  // namespace moesim
