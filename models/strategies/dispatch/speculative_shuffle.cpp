#include "models/strategies/dispatch/speculative_shuffle.h"

#include <stdexcept>

#include "models/strategies/dispatch/all_to_allv.h"
#include "models/strategies/dispatch/hierarchical.h"

namespace moesim {

SpeculativeShuffleDispatch::SpeculativeShuffleDispatch(std::unique_ptr<DispatchStrategy> correction,
                                                       double accuracy)
    : correction_(std::move(correction)), accuracy_(accuracy) {
  if (!(accuracy >= 0.0 && accuracy <= 1.0)) {
    throw std::invalid_argument("speculative shuffling: accuracy must be in [0, 1]");
  }
}

ExchangeResult SpeculativeShuffleDispatch::exchange(const TokenMatrix& tokens,
                                                    ExchangeMachine& machine) const {
  const ExchangeResult all = correction_->exchange(tokens, machine);
  // Only mispredicted tokens travel: every rank and node receives 1 - accuracy of its tokens
  // through the exchange, the expert work staying where it was.
  TokenMatrix mispredicted = tokens;
  for (double& t : mispredicted.rank_tokens) t *= 1.0 - accuracy_;
  for (double& t : mispredicted.node_tokens) t *= 1.0 - accuracy_;
  ExchangeResult r = correction_->exchange(mispredicted, machine);
  r.bytes_saved = all.bytes - r.bytes;
  return r;
}

DispatchFamily::Entry SpeculativeShuffleDispatch::entry() {
  std::vector<ParamSpec> params = payload_param_specs("bf16");
  params.push_back(param::real("accuracy", 0.8,
                               "share of a token's trips to expert ranks predicted right: "
                               "those ride an existing transfer, the rest pay the correction")
                       .in(0, 1));
  params.push_back(param::choice("correction", "all_to_allv", {"all_to_allv", "hierarchical"},
                                 "the exchange of mispredicted tokens"));
  return {{"speculative_shuffle",
           "s-TS (Speculative MoE): tokens pre-shuffled to their predicted experts' ranks; "
           "mispredicted ones pay the correction exchange",
           std::move(params), check_whole_experts},
          [](const DispatchContext& c, const Params& p) {
            const PayloadParams payload = payload_params(c, p);
            std::unique_ptr<DispatchStrategy> correction;
            if (p.text("correction") == "hierarchical") {
              correction = std::make_unique<HierarchicalDispatch>(payload);
            } else {
              correction = std::make_unique<AllToAllvDispatch>(payload);
            }
            return std::make_unique<SpeculativeShuffleDispatch>(std::move(correction),
                                                                p.real("accuracy"));
          }};
}

}  // namespace moesim
