#pragma once
/// The routing of one engine iteration: every token scheduled on every rank, with its request,
/// position, phase and iteration, handed to the routing generator layer by layer; the result is
/// the token count of every expert, drawn as counts where the generator can
/// (RoutingGenerator::generate_counts) and counted from per-token choices otherwise.

#include <span>
#include <vector>

#include "models/engine/serving/batch_scheduler.h"
#include "traces/routing_generator.h"

namespace moesim {

class BatchRouting {
 public:
  /// `routing` must outlive this object.
  BatchRouting(RoutingGenerator& routing, uint32_t experts);

  /// Starts an iteration over `batches` (all ranks).
  void begin(std::span<const ScheduledBatch> batches);
  /// Routes the iteration's tokens at `layer` (call layers in order) and returns the tokens
  /// each expert received.
  const std::vector<uint64_t>& route(uint32_t layer);
  /// Experts that received a token, summed over the layers routed since begin(): the expert
  /// weights the iteration must read at least once (the bound of its step).
  uint64_t active_experts() const { return active_experts_; }

 private:
  RoutingGenerator* routing_;
  std::vector<TokenContext> contexts_;
  TokenRouting choices_;
  std::vector<uint64_t> tokens_per_expert_;
  uint64_t step_ = 0;
  uint64_t active_experts_ = 0;
};

}  // namespace moesim
