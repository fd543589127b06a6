#include "models/engine/serving/operator_serving_cost.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "models/engine/serving/roofline_operator_timer.h"
#include "models/kv_cache_layout.h"

namespace moesim {

OperatorServingCost::OperatorServingCost(OperatorServingConfig config, ExpertLoadBalancer& experts,
                                         RoutingGenerator& routing, LayoutCollectives& collectives,
                                         LayerExchange& exchange,
                                         std::unique_ptr<ServingOperatorTimer> timer)
    : config_(std::move(config)),
      timer_(timer
                 ? std::move(timer)
                 : std::make_unique<RooflineOperatorTimer>(
                       config_.card, config_.gpu, config_.roofline, config_.layout.tensor_parallel,
                       config_.framework_overhead_us, config_.kv_cache, config_.host)),
      routing_(routing, config_.card.num_routed_experts),
      collectives_(&collectives),
      exchange_(&exchange),
      experts_(&experts) {
  const ParallelLayout& l = config_.layout;
  if (l.pipeline_parallel > config_.card.num_layers) {
    throw std::invalid_argument("more pipeline stages than decoder layers");
  }
  if (l.expert_parallel == 0 || l.stage_gpus() % l.expert_parallel != 0) {
    throw std::invalid_argument("the expert-parallel ranks must divide the GPUs of a stage");
  }
  experts.placement().check_covers(l.expert_parallel, config_.card.num_routed_experts);
  if (config_.host) {
    if (l.gpus() != 1) throw std::invalid_argument("streamed weights on more than one GPU");
    if (config_.two_batch_overlap) {
      throw std::invalid_argument("streamed weights with two-batch overlap");
    }
    if (timer) throw std::invalid_argument("streamed weights need the roofline operator timer");
    for (uint32_t layer = 0; layer < config_.card.num_layers; ++layer) {
      layer_transfer_us_.push_back(
          config_.host->transfer_s(layer_weight_bytes(config_.card, layer)) * 1e6);
    }
  }
  first_layer_.fill(config_.card.num_layers);
  for (uint32_t layer = config_.card.num_layers; layer-- > 0;) first_layer_[kind_of(layer)] = layer;
}

size_t OperatorServingCost::kind_of(uint32_t layer) const {
  const ModelCard& c = config_.card;
  return 2 * size_t{c.moe_layers.is_moe(layer)} + size_t{is_window_layer(c, layer)};
}

double OperatorServingCost::tensor_all_reduce_us(double tokens, double token_bytes) const {
  const double measured = timer_->tensor_all_reduce(tokens);
  return measured >= 0 ? measured : collectives_->tensor_all_reduce_us(tokens * token_bytes);
}

std::vector<std::array<LayerTime, OperatorServingCost::kKinds>> OperatorServingCost::layer_times(
    std::span<const RankLoad> loads) const {
  // A layer's operators differ only by whether it is an MoE layer: each rank's two kinds are
  // timed once per iteration, not once per layer.
  const ModelCard& card = config_.card;
  std::vector<std::array<LayerTime, kKinds>> times(loads.size());
  for (size_t kind = 0; kind < kKinds; ++kind) {
    const uint32_t layer = first_layer_[kind];
    if (layer >= card.num_layers) continue;  // the model has no layer of this kind
    for (size_t r = 0; r < loads.size(); ++r) times[r][kind] = timer_->layer(loads[r], layer);
  }
  return times;
}

void OperatorServingCost::replica_maxima(const std::vector<double>& rank_us, size_t replicas) {
  const ParallelLayout& l = config_.layout;
  replica_moe_.assign(replicas, 0.0);
  for (uint32_t g = 0; g < l.stage_gpus(); ++g) {
    const size_t replica = g / l.tensor_parallel;  // GPU g = replica x TP + TP rank
    const double us = rank_us[g % l.expert_parallel];
    if (replica < replicas) replica_moe_[replica] = std::max(replica_moe_[replica], us);
  }
}

void OperatorServingCost::sequential_layers(std::span<const RankLoad> loads, double all_reduce_us,
                                            IterationCost& cost) {
  // Per layer: a tensor-parallel all-reduce of the busiest replica's tokens after attention
  // and after the FFN or MoE block; per MoE layer, the dispatch strategy's exchange.
  const ModelCard& card = config_.card;
  const ParallelLayout& l = config_.layout;
  const size_t ranks = loads.size();
  replica_tokens_.clear();
  double prefill = 0;
  for (const RankLoad& load : loads) {
    replica_tokens_.push_back(load.tokens);
    prefill += load.prefill_tokens;
  }
  exchange_->begin(replica_tokens_, prefill);
  const uint32_t stages = l.pipeline_parallel;
  if (stages > 1) cost.stage_us.assign(stages, 0.0);

  const auto rank_layer = layer_times(loads);
  streamed_.clear();
  uint32_t moe_layer = 0;  // ordinal of the MoE layer, the expert placement's index
  std::vector<double> rank_us(ranks);
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    double slowest_rank = 0, attention = 0, dense = 0, cpu = 0;
    const bool is_moe = card.moe_layers.is_moe(layer);
    for (size_t r = 0; r < ranks; ++r) {
      const LayerTime& t = rank_layer[r][kind_of(layer)];
      rank_us[r] = t.total;
      cpu = std::max(cpu, t.cpu);
      if (rank_us[r] > slowest_rank) {
        slowest_rank = rank_us[r];
        attention = t.attention;
        dense = t.dense;
      }
    }
    cost.attention_us += attention;
    cost.dense_us += dense;
    double slowest_moe = 0, layer_comm = 2 * all_reduce_us;
    if (is_moe) {
      // The routing and the placement count MoE layers only (a trace holds one record per MoE
      // layer; the profiling pass of the placement samples MoE layers 0, 1, ...).
      const uint32_t moe = moe_layer++;
      const std::vector<uint64_t>& load = routing_.route(moe);
      // Each expert-parallel rank's GPUs hold a 1/moe_tensor_parallel slice of its experts.
      const auto& rank_expert_tokens = experts_->split(moe, load);
      rank_moe_.resize(rank_expert_tokens.size());
      for (size_t e = 0; e < rank_expert_tokens.size(); ++e) {
        rank_moe_[e] = experts_us(rank_expert_tokens[e], l.moe_tensor_parallel());
        slowest_moe = std::max(slowest_moe, rank_moe_[e]);
      }
      replica_maxima(rank_moe_, ranks);
      for (size_t r = 0; r < ranks; ++r) rank_us[r] += replica_moe_[r];
      const ExchangeResult exchange = exchange_->layer(rank_expert_tokens);
      layer_comm += exchange.dispatch_us + exchange.combine_us;
    }
    cost.moe_us += slowest_moe;
    cost.communication_us += layer_comm;
    if (config_.host) {
      streamed_.push_back(
          {layer_transfer_us_[layer], attention + dense + slowest_moe + layer_comm, cpu});
    }
    if (stages > 1) {
      cost.stage_us[l.stage_of_layer(layer, card.num_layers)] +=
          attention + dense + slowest_moe + layer_comm;
    }
    for (size_t r = 0; r < ranks; ++r) {
      cost.layer_rank_busy_us[layer * ranks + r] = rank_us[r];
      cost.rank_busy_us[r] += rank_us[r];
    }
  }
  if (config_.host) {
    // The decode attention the GPU's work does not cover counts as attention; the transfers
    // compute does not cover as weight streaming (weight_stream_schedule.h).
    const StreamedSpan span = stream_layers(streamed_);
    cost.attention_us += span.exposed_cpu_us;
    cost.host_transfer_us = span.exposed_transfer_us;
  }
}

IterationCost OperatorServingCost::iteration(std::span<const ScheduledBatch> batches) {
  const ModelCard& card = config_.card;
  const size_t ranks = batches.size();
  IterationCost cost;
  cost.rank_busy_us.assign(ranks, 0.0);
  cost.layer_rank_busy_us.assign(size_t{card.num_layers} * ranks, 0.0);

  std::vector<RankLoad> loads;
  double most_tokens = 0;
  for (const ScheduledBatch& b : batches) {
    loads.push_back(rank_load(b));
    most_tokens = std::max(most_tokens, loads.back().tokens);
  }
  const double token_bytes = static_cast<double>(card.hidden_size) * kActivationBytesPerElement;
  routing_.begin(batches);
  if (config_.two_batch_overlap) {
    overlapped_layers(loads, token_bytes, cost);
  } else {
    sequential_layers(loads, tensor_all_reduce_us(most_tokens, token_bytes), cost);
  }

  double embedding = 0, head = 0;  // the slowest rank
  for (size_t r = 0; r < ranks; ++r) {
    const double first = timer_->embedding(loads[r]);
    const double last = timer_->head(loads[r]);
    cost.rank_busy_us[r] += first + last;
    embedding = std::max(embedding, first);
    head = std::max(head, last);
  }
  cost.dense_us += embedding;  // a token-wise lookup, as in the profiled model, not sampling
  cost.sampling_us = head;
  cost.overhead_us = timer_->overhead(loads);
  cost.active_experts = routing_.active_experts();
  close_iteration(cost, *experts_, *collectives_, embedding + cost.overhead_us, head, most_tokens,
                  token_bytes);
  return cost;
}

}  // namespace moesim
