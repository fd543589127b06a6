#pragma once
/// The serving cost model built from a measured layer profile (models/profiles/*): every
/// operator of an iteration is looked up in the profile at the token, sequence and context
/// counts of the batch, and expert-parallel collectives are simulated on the machine.
///
/// One iteration, with R data-parallel ranks that run the MoE layers together:
///   embedding on each rank's tokens;
///   per decoder layer: two RMSNorms, QKV projection, QK norm, rotary, attention, O projection
///     on each rank (the slowest rank sets the pace), then the MoE block. With expert
///     parallelism it is vLLM's default all2all backend, allgather_reducescatter
///     (docs.vllm.ai, serving/expert_parallel_deployment): the ranks all-gather every token's
///     hidden vector, each runs its local experts on the tokens routed to them, and a
///     reduce-scatter returns the results;
///   final norm, LM head and sampler for each scheduled sequence;
///   a fixed framework overhead per iteration.
/// With tensor parallelism (the profile measured at the layout's degree, each time per GPU;
/// experts sliced over the TP GPUs, so no expert parallelism) each layer adds two all-reduces
/// of the replica's hidden vectors among its TP GPUs, after attention and after the MoE block.
/// With pipeline parallelism the layers are split into contiguous stages
/// (ParallelLayout::stage_of_layer); the first stage also runs the embedding and the
/// overhead, the last the final norm, LM head and sampler, and each stage but the last sends
/// its tokens' hidden states and residual (2 x tokens x hidden bf16) to the next.
/// A rank with nothing scheduled still runs a one-token dummy batch while others work
/// (vLLM data-parallel semantics), so it joins every collective; its token is not routed.
/// The routing generator sees every routed token's request (its routing-trace id), position,
/// phase and iteration, so trace replay and request-dependent generators work.
///
/// A rank's MoE block is timed by the MoE block cost model from the token count of each of its
/// experts (ProfiledMoeBlockCost for the profile's own table, or any MoeBlockCostModel).

#include <vector>

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/moe_block_cost.h"
#include "models/engine/serving/batch_routing.h"
#include "models/engine/serving/close_iteration.h"
#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/layer_exchange.h"
#include "models/engine/serving/layout_collectives.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/engine/serving/rank_load.h"
#include "models/engine/serving/serving_cost_model.h"
#include "models/moe_layer_shape.h"
#include "traces/routing_generator.h"

namespace moesim {

struct ProfiledServingConfig {
  uint32_t layers = 0;  ///< decoder layers, all with an MoE block
  MoeLayerShape shape;
  ParallelLayout layout;
  double framework_overhead_us = 0.0;  ///< per iteration
};

class ProfiledServingCost final : public ServingCostModel {
 public:
  /// `profile`, `moe`, `routing`, `collectives` and `exchange` must outlive the model. Throws
  /// std::invalid_argument for a tensor-parallel degree other than the profile's, tensor
  /// parallelism with expert parallelism, more pipeline stages than layers, or a placement
  /// over a different number of ranks than the layout's expert parallelism.
  ProfiledServingCost(const LayerProfile& profile, const MoeBlockCostModel& moe,
                      ProfiledServingConfig config, ExpertLoadBalancer& experts,
                      RoutingGenerator& routing, LayoutCollectives& collectives,
                      LayerExchange& exchange);

  IterationCost iteration(std::span<const ScheduledBatch> batches) override;

 private:
  double attention_us(const RankLoad& load) const;
  double layer_dense_us(double tokens) const;

  const LayerProfile* profile_;
  const MoeBlockCostModel* moe_;
  ProfiledServingConfig config_;
  BatchRouting routing_;
  LayoutCollectives* collectives_;
  LayerExchange* exchange_;
  ExpertLoadBalancer* experts_;
};

}  // namespace moesim
