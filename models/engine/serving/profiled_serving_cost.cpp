#include "models/engine/serving/profiled_serving_cost.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "models/layer_operators.h"

namespace moesim {

ProfiledServingCost::ProfiledServingCost(const LayerProfile& profile, const MoeBlockCostModel& moe,
                                         ProfiledServingConfig config, ExpertLoadBalancer& experts,
                                         RoutingGenerator& routing, LayoutCollectives& collectives,
                                         LayerExchange& exchange)
    : profile_(&profile),
      moe_(&moe),
      config_(config),
      routing_(routing, config.shape.num_experts),
      collectives_(&collectives),
      exchange_(&exchange),
      experts_(&experts) {
  const ParallelLayout& l = config.layout;
  if (l.tensor_parallel != profile.tensor_parallel()) {
    throw std::invalid_argument(fmt::format(
        "the layout has tensor parallel {} but the profile was measured at tensor parallel {}",
        l.tensor_parallel, profile.tensor_parallel()));
  }
  if (l.tensor_parallel > 1 && l.expert_parallel > 1) {
    throw std::invalid_argument(
        "the profiled serving cost model runs tensor parallelism without expert parallelism");
  }
  if (l.pipeline_parallel > config.layers) {
    throw std::invalid_argument("more pipeline stages than decoder layers");
  }
  if (l.expert_parallel != 1 && l.expert_parallel != l.data_parallel) {
    throw std::invalid_argument(
        "expert_parallel must equal data_parallel (DP+EP) or be 1 (a single GPU)");
  }
  experts.placement().check_covers(l.expert_parallel, config.shape.num_experts);
}

double ProfiledServingCost::attention_us(const RankLoad& load) const {
  return profile_->attention_us(load.prefill_tokens, load.prefill_context, load.decodes,
                                load.decode_context);
}

double ProfiledServingCost::layer_dense_us(double tokens) const {
  const LayerProfile& p = *profile_;
  return 2 * p.token_op_us("layernorm", tokens) + p.token_op_us("qkv_proj", tokens) +
         p.token_op_us("qk_norm", tokens) + p.token_op_us("rotary_emb", tokens) +
         p.token_op_us("o_proj", tokens);
}

IterationCost ProfiledServingCost::iteration(std::span<const ScheduledBatch> batches) {
  const LayerProfile& p = *profile_;
  const ParallelLayout& layout = config_.layout;
  const size_t ranks = batches.size();
  IterationCost cost;
  cost.rank_busy_us.assign(ranks, 0.0);

  cost.layer_rank_busy_us.assign(size_t{config_.layers} * ranks, 0.0);
  std::vector<double> rank_layer_us(ranks), replica_tokens(ranks);
  double prefill_tokens = 0, most_tokens = 0, embed = 0, dense = 0, attention = 0, head = 0,
         final_dense = 0;
  for (size_t r = 0; r < ranks; ++r) {
    const RankLoad load = rank_load(batches[r]);
    replica_tokens[r] = load.tokens;
    prefill_tokens += load.prefill_tokens;
    most_tokens = std::max(most_tokens, load.tokens);
    const double rank_embed = p.token_op_us("embedding", load.tokens);
    const double rank_dense = layer_dense_us(load.tokens), rank_attention = attention_us(load);
    const double rank_final = p.token_op_us("final_layernorm", load.tokens);
    const double rank_head =
        p.sequence_op_us("lm_head", load.sequences) + p.sequence_op_us("sampler", load.sequences);
    rank_layer_us[r] = rank_dense + rank_attention;
    cost.rank_busy_us[r] = rank_embed + rank_final + rank_head + config_.layers * rank_layer_us[r];
    embed = std::max(embed, rank_embed);
    final_dense = std::max(final_dense, rank_final);
    head = std::max(head, rank_head);
    if (rank_dense + rank_attention > dense + attention) {
      dense = rank_dense;
      attention = rank_attention;
    }
  }

  // Hidden states move in the activation dtype (bf16), not the weights' (layer_operators.h).
  const double token_bytes = config_.shape.hidden_size * kActivationBytesPerElement;
  exchange_->begin(replica_tokens, prefill_tokens);
  // Tensor parallelism: the profile's times are per GPU; each layer adds an all-reduce of the
  // replica's hidden vectors after attention and another after the MoE block.
  const double all_reduce_us = 2 * collectives_->tensor_all_reduce_us(most_tokens * token_bytes);
  const uint32_t stages = layout.pipeline_parallel;
  if (stages > 1) cost.stage_us.assign(stages, 0.0);
  routing_.begin(batches);
  double moe = 0, communication = 0;
  for (uint32_t layer = 0; layer < config_.layers; ++layer) {
    const std::vector<uint64_t>& tokens_per_expert = routing_.route(layer);
    double slowest = 0;
    const auto& rank_expert_tokens = experts_->split(layer, tokens_per_expert);
    for (size_t q = 0; q < rank_expert_tokens.size(); ++q) {
      const double t = moe_->block_us(rank_expert_tokens[q]);
      if (q < ranks) {
        cost.rank_busy_us[q] += t;
        cost.layer_rank_busy_us[layer * ranks + q] = rank_layer_us[q] + t;
      }
      slowest = std::max(slowest, t);
    }
    moe += slowest;
    const ExchangeResult exchange = exchange_->layer(rank_expert_tokens);
    const double exchange_us = exchange.dispatch_us + exchange.combine_us;
    communication += exchange_us + all_reduce_us;
    if (stages > 1) {
      cost.stage_us[layout.stage_of_layer(layer, config_.layers)] +=
          dense + attention + slowest + exchange_us + all_reduce_us;
    }
  }

  cost.attention_us = config_.layers * attention;
  cost.dense_us = embed + final_dense + config_.layers * dense;
  cost.moe_us = moe;
  cost.communication_us = communication;
  cost.sampling_us = head;
  cost.overhead_us = config_.framework_overhead_us;
  cost.active_experts = routing_.active_experts();
  close_iteration(cost, *experts_, *collectives_, embed + cost.overhead_us, final_dense + head,
                  most_tokens, token_bytes);
  return cost;
}

}  // namespace moesim
