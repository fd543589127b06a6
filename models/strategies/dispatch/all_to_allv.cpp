#include "models/strategies/dispatch/all_to_allv.h"

#include "models/strategies/dispatch/exchange_traffic.h"

namespace moesim {

ExchangeResult AllToAllvDispatch::exchange(const TokenMatrix& tokens,
                                           ExchangeMachine& machine) const {
  const StepTraffic dispatch = direct_traffic(tokens, payload_.dispatch_bytes);
  const StepTraffic combine = transposed(direct_traffic(tokens, payload_.combine_bytes));
  ExchangeResult r;
  r.dispatch_us = machine.fabric().step_us(dispatch);
  r.combine_us = machine.fabric().step_us(combine);
  r.bytes = dispatch.total() + combine.total();
  r.bytes_across_nodes = dispatch.inter_total() + combine.inter_total();
  return r;
}

DispatchFamily::Entry AllToAllvDispatch::entry() {
  return {{"all_to_allv",
           "NCCL all-to-allv, flat: each token once to every rank holding one of its experts, "
           "one step; combine the reverse",
           payload_param_specs("bf16"), check_whole_experts},
          [](const DispatchContext& c, const Params& p) {
            return std::make_unique<AllToAllvDispatch>(payload_params(c, p));
          }};
}

}  // namespace moesim
