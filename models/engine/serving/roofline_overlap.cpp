// RooflineServingCost's layers under two-micro-batch overlap (TwoBatchSchedule): each rank's
// batch split into two halves, each half timed by the roofline on its own (so weights are read
// once per half, the real cost of overlap in decode), each half's exchange by the dispatch
// strategy, and the halves scheduled on a compute and a communication stream.
#include <algorithm>
#include <cmath>

#include "models/engine/serving/roofline_serving_cost.h"

namespace moesim {
namespace {

RankLoad half_of(const RankLoad& load) {
  RankLoad h = load;
  h.tokens /= 2;
  h.sequences /= 2;
  h.prefill_tokens /= 2;
  h.decodes /= 2;
  return h;
}

/// The pairs of each rank's experts for one micro-batch: the first half rounds up, the second
/// down, so the two add up to the layer's pairs.
void split_pairs(const std::vector<std::vector<uint64_t>>& pairs, bool first,
                 std::vector<std::vector<uint64_t>>& half) {
  half.resize(pairs.size());
  for (size_t r = 0; r < pairs.size(); ++r) {
    half[r].resize(pairs[r].size());
    for (size_t e = 0; e < pairs[r].size(); ++e) {
      half[r][e] = first ? (pairs[r][e] + 1) / 2 : pairs[r][e] / 2;
    }
  }
}

}  // namespace

void RooflineServingCost::overlapped_layers(std::span<const RankLoad> loads, double token_bytes,
                                            IterationCost& cost) {
  const ModelCard& card = config_.card;
  const ParallelLayout& l = config_.layout;
  const size_t ranks = loads.size();
  std::vector<RankLoad> halves;
  double most_tokens = 0, prefill = 0;
  replica_tokens_.clear();
  for (const RankLoad& load : loads) {
    halves.push_back(half_of(load));
    replica_tokens_.push_back(halves.back().tokens);
    most_tokens = std::max(most_tokens, halves.back().tokens);
    prefill += halves.back().prefill_tokens;
  }
  // Each half's tensor-parallel all-reduces run on the compute stream (they block the GPU).
  const double all_reduce_us = collectives_->tensor_all_reduce_us(most_tokens * token_bytes);
  exchange_->begin(replica_tokens_, prefill);
  const double share = exchange_->strategy().compute_share_beside();
  const auto rank_layer = layer_times(halves);
  TwoBatchSchedule schedule(true);
  std::vector<std::vector<uint64_t>> half_pairs;
  std::vector<double> rank_us(ranks);
  double all_reduces = 0;
  uint32_t moe_layer = 0;
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    const bool is_moe = card.moe_layers.is_moe(layer);
    double slowest = 0, attention = 0, dense = 0;
    for (size_t r = 0; r < ranks; ++r) {
      const LayerTime& t = rank_layer[r][is_moe];
      rank_us[r] = 2 * t.total;
      if (t.total > slowest) {
        slowest = t.total;
        attention = t.attention;
        dense = t.dense;
      }
    }
    MicroBatchLayer half[2];
    for (MicroBatchLayer& h : half) h.attention_us = slowest + 2 * all_reduce_us;
    cost.attention_us += 2 * attention;
    cost.dense_us += 2 * dense;
    all_reduces += 4 * all_reduce_us;
    if (is_moe) {
      const uint32_t moe = moe_layer++;
      const auto& pairs = experts_->split(moe, routing_.route(moe));
      for (int h = 0; h < 2; ++h) {
        split_pairs(pairs, h == 0, half_pairs);
        rank_moe_.resize(half_pairs.size());
        double slowest_moe = 0;
        for (size_t e = 0; e < half_pairs.size(); ++e) {
          // The exchange of the other half runs beside these experts on its own SMs.
          rank_moe_[e] = experts_us(half_pairs[e], l.moe_tensor_parallel()) / share;
          slowest_moe = std::max(slowest_moe, rank_moe_[e]);
        }
        replica_maxima(rank_moe_, ranks);
        for (size_t r = 0; r < ranks; ++r) rank_us[r] += replica_moe_[r];
        const ExchangeResult exchange = exchange_->layer(half_pairs);
        half[h].experts_us = slowest_moe;
        half[h].dispatch_us = exchange.dispatch_us;
        half[h].combine_us = exchange.combine_us;
        cost.moe_us += slowest_moe;
      }
    }
    schedule.add_layer(half[0], half[1], is_moe);
    for (size_t r = 0; r < ranks; ++r) {
      cost.layer_rank_busy_us[layer * ranks + r] = rank_us[r];
      cost.rank_busy_us[r] += rank_us[r];
    }
  }
  // The layers last the schedule's span; what the compute stream did not cover is exposed
  // communication, the rest of the exchange was hidden.
  const double exposed = schedule.end_us() - schedule.compute_busy_us();
  cost.communication_us += exposed + all_reduces;
  cost.hidden_communication_us = std::max(0.0, schedule.communication_busy_us() - exposed);
  cost.overlap_spans = schedule.spans();
}

}  // namespace moesim
