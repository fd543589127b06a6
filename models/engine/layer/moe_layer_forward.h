#pragma once
/// One forward pass of an expert-parallel MoE layer over a set of GPUs.
///
/// Tokens start on their home rank (contiguous blocks of the batch). Stages run in bulk-
/// synchronous order, each beginning when the previous one has finished on every rank, as
/// with NCCL-style collectives:
///   router    each rank scores its own tokens (one GEMM);
///   dispatch  all-to-all: each token goes once to every other rank holding one of its experts;
///   experts   each rank runs its local experts over the tokens routed to them;
///   combine   all-to-all back: each rank returns one partial sum per token to its home;
///   reduce    each home rank sums the weighted expert outputs of its tokens.
/// Communication is flows on the network model (a flat all-to-allv, each token once per rank
/// holding one of its experts), or, when the setup names another dispatch strategy, the
/// strategy's time for the layer's token matrix (the tokens reaching each rank and node counted
/// from the routing, each source's share of them as in serving) as one timed step each way; compute
/// is tasks on each GPU's compute stream, timed by the cost model.

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/cost_model/cost_model.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/dispatch/dispatch_strategy.h"
#include "models/strategies/placement/placement.h"
#include "sim/compute_stream.h"
#include "sim/network_model.h"
#include "sim/signal.h"
#include "sim/simulator.h"
#include "topologies/topology.h"
#include "traces/token_routing.h"

namespace moesim {

enum class LayerStage : uint8_t { kRouter, kDispatch, kExperts, kCombine, kReduce };
inline constexpr LayerStage kLayerStages[] = {LayerStage::kRouter, LayerStage::kDispatch,
                                              LayerStage::kExperts, LayerStage::kCombine,
                                              LayerStage::kReduce};
std::string_view to_string(LayerStage stage);

/// Flow kinds in FlowTag::kind.
enum FlowKind : uint32_t { kDispatchFlow = 0, kCombineFlow = 1 };

struct StageSpan {
  LayerStage stage;
  Time start;
  Time end;
};

struct LayerForwardResult {
  std::vector<StageSpan> stages;  ///< in execution order
  Time start;
  Time end;
  /// bytes[src][dst] sent in dispatch (combine sends the transpose, in its own payload).
  std::vector<std::vector<double>> dispatch_bytes;
  std::vector<uint64_t> tokens_per_expert;        ///< selections per expert
  std::vector<uint64_t> home_tokens_per_rank;     ///< tokens whose home is the rank
  std::vector<uint64_t> expert_tokens_per_rank;   ///< selections served by the rank's experts
  std::vector<uint32_t> active_experts_per_rank;  ///< the rank's experts with a token (launched)
  /// With a closed-form dispatch strategy: its result for the layer.
  ExchangeResult exchange;
};

/// Everything one forward needs; all referenced objects must outlive the forward.
struct LayerForwardSetup {
  Simulator* sim;
  NetworkModel* network;
  const Topology* topology;
  std::vector<ComputeDevice>* gpus;  ///< rank r is gpus[r], topology vertex topology->gpus()[r]
  const CostModel* cost;
  const GpuSpec* gpu;
  const MoeLayerShape* shape;
  const ExpertPlacement* placement;
  const TokenRouting* routing;
  /// Bytes of one token sent to its experts and of one result sent back (0: the model's
  /// token bytes).
  double dispatch_token_bytes = 0;
  double combine_token_bytes = 0;
  /// Optional: a dispatch strategy timed in closed form instead of the flows, on `exchange`.
  const DispatchStrategy* dispatch = nullptr;
  ExchangeMachine* exchange = nullptr;
};

class MoeLayerForward {
 public:
  /// Computes the traffic matrix and loads; throws std::invalid_argument if the routing,
  /// placement and rank counts disagree.
  explicit MoeLayerForward(LayerForwardSetup setup);

  /// Begins the forward at the simulator's current time.
  void start();
  bool finished() const { return finished_; }
  const LayerForwardResult& result() const { return result_; }

  Signal<StageSpan> stage_finished;

 private:
  /// The rank that computes `expert` for the next token, by the placement's replica choice.
  uint32_t replica_for(uint32_t expert, std::vector<uint64_t>& turn) const;
  void begin(size_t stage_index);
  void part_done();
  void issue_router();
  void issue_flows(FlowKind kind);
  /// The layer's token matrix with the tokens reaching each rank and node counted from the
  /// routing.
  TokenMatrix exact_token_matrix(const std::vector<double>& rank_tokens,
                                 const std::vector<double>& node_tokens) const;
  void issue_experts();
  double dispatch_token_bytes() const;
  double combine_token_bytes() const;
  /// A closed-form exchange step of `microseconds`.
  void issue_step(double microseconds);
  void issue_reduce();

  LayerForwardSetup s_;
  LayerForwardResult result_;
  std::vector<uint64_t> selections_per_home_;              // expert outputs each home rank reduces
  std::vector<std::vector<uint64_t>> rank_expert_tokens_;  // [rank][expert]: tokens it computes
  size_t stage_index_ = 0;
  Time stage_start_;
  uint64_t pending_ = 0;
  bool finished_ = false;
};

}  // namespace moesim
