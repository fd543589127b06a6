#include "models/engine/serving/layer_exchange.h"

#include <stdexcept>

namespace moesim {

void ExchangeTotals::add(const ExchangeResult& r) {
  dispatch_us += r.dispatch_us;
  combine_us += r.combine_us;
  bytes += r.bytes;
  bytes_across_nodes += r.bytes_across_nodes;
  bytes_saved += r.bytes_saved;
}

LayerExchange::LayerExchange(const DispatchStrategy& strategy, ExchangeMachine& machine,
                             const ParallelLayout& layout)
    : strategy_(&strategy), machine_(&machine), layout_(layout) {
  if (machine.fabric().ranks() != layout.expert_parallel) {
    throw std::invalid_argument("layer exchange: the fabric's ranks are not the layout's");
  }
}

void LayerExchange::begin(std::span<const double> replica_tokens, double prefill_tokens) {
  prefill_tokens_ = prefill_tokens;
  source_tokens_.assign(layout_.expert_parallel, 0.0);
  const double tp = layout_.tensor_parallel;
  for (uint32_t offset = 0; offset < layout_.stage_gpus(); ++offset) {
    const uint32_t replica = offset / layout_.tensor_parallel;
    if (replica < replica_tokens.size()) {
      source_tokens_[offset % layout_.expert_parallel] += replica_tokens[replica] / tp;
    }
  }
}

ExchangeResult LayerExchange::layer(std::span<const std::vector<uint64_t>> rank_expert_tokens) {
  TokenMatrix m;
  if (strategy_->uses_destinations()) {
    m = TokenMatrix::build(source_tokens_, rank_expert_tokens, machine_->fabric().node_of_rank());
  } else {  // the sources alone: no per-layer work over experts
    m.source_tokens = source_tokens_;
    m.node_of_rank = machine_->fabric().node_of_rank();
    m.pairs.assign(source_tokens_.size(), 0.0);  // sized, not read: nodes() and ranks() hold
    m.rank_tokens.assign(source_tokens_.size(), 0.0);
    m.node_tokens.assign(machine_->fabric().nodes(), 0.0);
    for (const double t : source_tokens_) m.total_tokens += t;
  }
  m.prefill_tokens = prefill_tokens_;
  const ExchangeResult r = strategy_->exchange(m, *machine_);
  run_.add(r);
  return r;
}

}  // namespace moesim
