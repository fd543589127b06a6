#pragma once
/// Speculative token shuffling (s-TS, Speculative MoE, arXiv 2503.04398; the mechanism is
/// summarised in shared/reference/strategies.md 4.6): each token is sent ahead, inside a
/// transfer that happens anyway (the request's placement on a data-parallel rank, or the
/// attention's reduce-scatter), to the rank of its predicted experts. A correctly predicted
/// token is already where its expert is; a mispredicted one pays the normal exchange
/// (`correction`), so the method is lossless.
///
/// `accuracy` is the share of a token's trips to expert ranks that the prediction gets right:
/// the exchange carries 1 - accuracy of what the correction strategy alone would move, and the
/// rest is reported as saved. At accuracy 1 nothing moves; at 0 it is the correction strategy.
/// The pre-shuffle itself is taken as free (it rides an existing transfer; the paper measures
/// about 1% for fusing the sort into the ring).

#include <memory>

#include "models/strategies/dispatch/dispatch_payload.h"

namespace moesim {

class SpeculativeShuffleDispatch final : public DispatchStrategy {
 public:
  /// `correction` carries the mispredicted tokens. Throws std::invalid_argument for an accuracy
  /// outside [0, 1].
  SpeculativeShuffleDispatch(std::unique_ptr<DispatchStrategy> correction, double accuracy);

  ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const override;
  /// Lossless: the tokens end where they would have, summed as the correction sums them.
  CombineOrder combine_order() const override { return correction_->combine_order(); }
  PayloadDtypes payload_dtypes() const override { return correction_->payload_dtypes(); }

  static DispatchFamily::Entry entry();

 private:
  std::unique_ptr<DispatchStrategy> correction_;
  double accuracy_;
};

}  // namespace moesim
