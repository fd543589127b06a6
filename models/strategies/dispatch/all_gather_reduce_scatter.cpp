#include "models/strategies/dispatch/all_gather_reduce_scatter.h"

namespace moesim {

ExchangeResult AllGatherReduceScatterDispatch::exchange(const TokenMatrix& tokens,
                                                        ExchangeMachine& machine) const {
  const double gathered = tokens.total_tokens * payload_.dispatch_bytes;
  const double scattered = tokens.total_tokens * payload_.combine_bytes;
  ExchangeResult r;
  r.dispatch_us = machine.all_gather_us(gathered);
  r.combine_us = machine.reduce_scatter_us(scattered);
  // A ring over N ranks sends (N - 1) / N of the buffer from every rank; in node-major order
  // it crosses between nodes at one link per node.
  const double n = tokens.ranks(), nodes = machine.fabric().nodes();
  const double per_rank = (gathered + scattered) * (n - 1) / n;
  r.bytes = per_rank * n;
  r.bytes_across_nodes = nodes > 1 ? per_rank * nodes : 0.0;
  return r;
}

DispatchFamily::Entry AllGatherReduceScatterDispatch::entry() {
  return {{"allgather_reducescatter",
           "vLLM's default DP+EP backend: all-gather every rank's tokens, reduce-scatter the "
           "results; the routing does not change what moves",
           payload_param_specs("bf16"), nullptr},
          [](const DispatchContext& c, const Params& p) {
            return std::make_unique<AllGatherReduceScatterDispatch>(payload_params(c, p));
          }};
}

}  // namespace moesim
