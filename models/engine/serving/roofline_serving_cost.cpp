#include "models/engine/serving/roofline_serving_cost.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "models/cost_model/compute_peak.h"
#include "models/kv_cache_layout.h"
#include "models/layer_operators.h"

namespace moesim {
namespace {

BatchShape shape_of(const RankLoad& load) {
  BatchShape b;
  b.prefill_tokens = static_cast<uint64_t>(load.prefill_tokens);
  b.prefill_context = load.prefill_context;
  b.decode_tokens = static_cast<uint64_t>(load.decodes);
  b.decode_context = load.decode_context;
  return b;
}

}  // namespace

RooflineServingCost::RooflineServingCost(RooflineServingConfig config, ExpertLoadBalancer& experts,
                                         RoutingGenerator& routing, LayoutCollectives& collectives,
                                         LayerExchange& exchange)
    : config_(std::move(config)),
      roofline_(config_.roofline),
      routing_(routing, config_.card.num_routed_experts),
      collectives_(&collectives),
      exchange_(&exchange),
      experts_(&experts),
      no_load_(config_.card.num_routed_experts, 0) {
  const ParallelLayout& l = config_.layout;
  if (l.pipeline_parallel > config_.card.num_layers) {
    throw std::invalid_argument("more pipeline stages than decoder layers");
  }
  if (l.expert_parallel == 0 || l.stage_gpus() % l.expert_parallel != 0) {
    throw std::invalid_argument("the expert-parallel ranks must divide the GPUs of a stage");
  }
  experts.placement().check_covers(l.expert_parallel, config_.card.num_routed_experts);
  first_layer_.fill(config_.card.num_layers);
  for (uint32_t layer = config_.card.num_layers; layer-- > 0;) first_layer_[kind_of(layer)] = layer;
  for (const std::string_view dtype : {"fp32", "bf16", "fp8", "fp4"}) {
    gpus_.emplace_back(dtype, at_compute_dtype(config_.gpu, dtype));
  }
}

const GpuSpec& RooflineServingCost::gpu_at(std::string_view dtype) const {
  for (const auto& [name, gpu] : gpus_) {
    if (name == dtype) return gpu;
  }
  return config_.gpu;
}

size_t RooflineServingCost::kind_of(uint32_t layer) const {
  const ModelCard& c = config_.card;
  return 2 * size_t{c.moe_layers.is_moe(layer)} + size_t{is_window_layer(c, layer)};
}

double RooflineServingCost::ops_us(const std::vector<LayerOperator>& ops, double split,
                                   double& attention, double& dense) const {
  // The GPU's share of the KV cache: whole KV heads, or the whole mla latent, per TP rank.
  const double kv_share = kv_share_per_gpu(config_.card.attention, config_.layout.tensor_parallel);
  double total = 0;
  for (const LayerOperator& op : ops) {
    if (op.name == "moe.experts") continue;  // timed per GPU from its own experts
    const double s = op.name == "moe.router" ? 1.0 : split;
    OpCost work{op.flops / s,
                op.weight_bytes / s + (op.kv_read_bytes + op.kv_write_bytes) * kv_share +
                    op.activation_bytes,
                op.name == "moe.router" ? OpKind::kRouter : OpKind::kOther};
    const double us = roofline_.op_time(work, gpu_at(op.compute_dtype)).microseconds();
    (op.name == "attention.core" ? attention : dense) += us;  // projections count as dense
    total += us;
  }
  return total;
}

double RooflineServingCost::experts_us(const std::vector<uint64_t>& load, double split) const {
  const ModelCard& c = config_.card;
  const double matrices = c.activation == Activation::kSwiglu ? 3.0 : 2.0;
  const double h = static_cast<double>(c.hidden_size);
  const double f = static_cast<double>(c.expert_intermediate_size) / split;
  const double wbytes = bytes_per_weight(c.weights.experts);
  const GpuSpec& gpu = gpu_at(gemm_dtype(c.weights.experts));
  double us = 0;
  for (const uint64_t n : load) {
    if (n == 0) continue;
    const double t = static_cast<double>(n);
    const OpCost work{2 * matrices * h * f * t,
                      matrices * h * f * wbytes + 2 * t * h * kActivationBytesPerElement,
                      OpKind::kExpert};
    us += roofline_.op_time(work, gpu).microseconds();
  }
  return us;
}

std::vector<std::array<RooflineServingCost::LayerTime, RooflineServingCost::kKinds>>
RooflineServingCost::layer_times(std::span<const RankLoad> loads) const {
  // Each rank's layer kinds are timed once per iteration, not once per layer.
  const ModelCard& card = config_.card;
  std::vector<std::array<LayerTime, kKinds>> times(loads.size());
  for (size_t kind = 0; kind < kKinds; ++kind) {
    const uint32_t layer = first_layer_[kind];
    if (layer >= card.num_layers) continue;  // the model has no layer of this kind
    for (size_t r = 0; r < loads.size(); ++r) {
      LayerTime& t = times[r][kind];
      const auto ops = decoder_layer_operators(card, layer, shape_of(loads[r]), no_load_,
                                               card.weights, config_.kv_cache);
      t.total = ops_us(ops, config_.layout.tensor_parallel, t.attention, t.dense);
    }
  }
  return times;
}

void RooflineServingCost::replica_maxima(const std::vector<double>& rank_us, size_t replicas) {
  const ParallelLayout& l = config_.layout;
  replica_moe_.assign(replicas, 0.0);
  for (uint32_t g = 0; g < l.stage_gpus(); ++g) {
    const size_t replica = g / l.tensor_parallel;  // GPU g = replica x TP + TP rank
    const double us = rank_us[g % l.expert_parallel];
    if (replica < replicas) replica_moe_[replica] = std::max(replica_moe_[replica], us);
  }
}

void RooflineServingCost::sequential_layers(std::span<const RankLoad> loads, double all_reduce_us,
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
  uint32_t moe_layer = 0;  // ordinal of the MoE layer, the expert placement's index
  std::vector<double> rank_us(ranks);
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    double slowest_rank = 0, attention = 0, dense = 0;
    const bool is_moe = card.moe_layers.is_moe(layer);
    for (size_t r = 0; r < ranks; ++r) {
      const LayerTime& t = rank_layer[r][kind_of(layer)];
      rank_us[r] = t.total;
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
    if (stages > 1) {
      cost.stage_us[l.stage_of_layer(layer, card.num_layers)] +=
          attention + dense + slowest_moe + layer_comm;
    }
    for (size_t r = 0; r < ranks; ++r) {
      cost.layer_rank_busy_us[layer * ranks + r] = rank_us[r];
      cost.rank_busy_us[r] += rank_us[r];
    }
  }
}

IterationCost RooflineServingCost::iteration(std::span<const ScheduledBatch> batches) {
  const ModelCard& card = config_.card;
  const size_t ranks = batches.size();
  const double tp = config_.layout.tensor_parallel;
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
    sequential_layers(loads, collectives_->tensor_all_reduce_us(most_tokens * token_bytes), cost);
  }

  double embedding = 0, head = 0;  // the slowest rank
  for (size_t r = 0; r < ranks; ++r) {
    double a = 0, d = 0;
    const auto tokens = static_cast<uint64_t>(loads[r].tokens);
    const auto sequences = static_cast<uint64_t>(loads[r].sequences);
    const auto ops = embedding_and_head_operators(card, tokens, sequences, card.weights.others);
    const double first = ops_us({ops.front()}, tp, a, d);  // the embedding
    const double last = ops_us({ops.back()}, tp, a, d);    // the LM head
    cost.rank_busy_us[r] += first + last;
    embedding = std::max(embedding, first);
    head = std::max(head, last);
  }
  cost.dense_us += embedding;  // a token-wise lookup, as in the profiled model, not sampling
  cost.sampling_us = head;
  cost.overhead_us = config_.framework_overhead_us;
  close_iteration(cost, *experts_, *collectives_, embedding + cost.overhead_us, head, most_tokens,
                  token_bytes);
  return cost;
}

}  // namespace moesim
