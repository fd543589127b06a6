#pragma once
/// The expert-parallel exchanges of a serving iteration: where each MoE layer's tokens start
/// (every replica's tokens on its GPUs), where they go (each expert-parallel rank's token-expert
/// pairs), and the dispatch strategy's time for the layer; with running totals for the report.
///
/// A replica's tokens start on its tensor-parallel GPUs in equal parts (each dispatches its
/// share), and the stage's GPU at offset i is expert-parallel rank i % expert_parallel
/// (LayoutGpus), so rank e starts with the parts of every GPU mapped to it.

#include <span>
#include <vector>

#include "models/engine/serving/parallel_layout.h"
#include "models/strategies/dispatch/dispatch_strategy.h"

namespace moesim {

/// Exchange figures summed over layers.
struct ExchangeTotals {
  double dispatch_us = 0, combine_us = 0, bytes = 0, bytes_across_nodes = 0, bytes_saved = 0;
  void add(const ExchangeResult& r);
};

class LayerExchange {
 public:
  /// All three must outlive this object; the machine's fabric has the layout's
  /// expert-parallel ranks.
  LayerExchange(const DispatchStrategy& strategy, ExchangeMachine& machine,
                const ParallelLayout& layout);

  /// Starts an iteration: `replica_tokens[r]`, the tokens replica r scheduled, of which
  /// `prefill_tokens` in all are prompt tokens.
  void begin(std::span<const double> replica_tokens, double prefill_tokens);
  /// One MoE layer: `rank_expert_tokens[e]`, the pairs of each expert replica rank e computes.
  ExchangeResult layer(std::span<const std::vector<uint64_t>> rank_expert_tokens);
  const DispatchStrategy& strategy() const { return *strategy_; }
  /// Every layer of the run so far.
  const ExchangeTotals& run() const { return run_; }

 private:
  const DispatchStrategy* strategy_;
  ExchangeMachine* machine_;
  ParallelLayout layout_;
  std::vector<double> source_tokens_;  // [expert-parallel rank]
  double prefill_tokens_ = 0;
  ExchangeTotals run_;
};

}  // namespace moesim
