#include "models/strategies/dispatch/hierarchical.h"

#include "models/strategies/dispatch/exchange_traffic.h"

namespace moesim {

ExchangeResult HierarchicalDispatch::exchange(const TokenMatrix& tokens,
                                              ExchangeMachine& machine) const {
  const EpFabric& fabric = machine.fabric();
  ExchangeResult r;
  for (const bool dispatch : {true, false}) {
    const double b = dispatch ? payload_.dispatch_bytes : payload_.combine_bytes;
    StepTraffic across = internode_traffic(tokens, b);
    StepTraffic inside = intranode_traffic(tokens, b);
    if (!dispatch) {
      across = transposed(std::move(across));
      inside = transposed(std::move(inside));
    }
    (dispatch ? r.dispatch_us : r.combine_us) = fabric.step_us(across) + fabric.step_us(inside);
    r.bytes += across.total() + inside.total();
    r.bytes_across_nodes += across.inter_total();
  }
  return r;
}

DispatchFamily::Entry HierarchicalDispatch::entry() {
  return {{"hierarchical",
           "across nodes once per destination node (to the rail peer), then forwarded inside "
           "the node; two steps each way",
           payload_param_specs("bf16"), check_whole_experts},
          [](const DispatchContext& c, const Params& p) {
            return std::make_unique<HierarchicalDispatch>(payload_params(c, p));
          }};
}

}  // namespace moesim
