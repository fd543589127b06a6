// OperatorServingCost's layers under two-micro-batch overlap (TwoBatchSchedule): each rank's
// batch split into two halves, each half timed by the roofline on its own (so weights are read
// once per half, the real cost of overlap in decode), each half's exchange by the dispatch
// strategy, and the halves scheduled on a compute and a communication stream.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/engine/serving/operator_serving_cost.h"

namespace moesim {
namespace {

/// One micro-batch of a rank's batch: the first takes the larger half of every whole count
/// (tokens, sequences, prompt tokens, decodes), the second the rest, so both add up to the
/// batch; an idle rank's one-token dummy batch falls in the first.
RankLoad half_of(const RankLoad& load, bool first) {
  const auto half = [first](double n) { return first ? std::ceil(n / 2) : std::floor(n / 2); };
  RankLoad h = load;
  h.prefill_tokens = half(load.prefill_tokens);
  h.prefill_sequences = half(load.prefill_sequences);
  h.decodes = half(load.decodes);
  h.tokens = h.prefill_tokens + h.decodes;
  h.sequences = half(load.sequences);
  return h;
}

/// The pairs of each rank's experts for both micro-batches: an expert's odd pair goes to A and
/// B in turn (a parity carried across experts), so neither half takes every odd one and the
/// two add up to the layer's pairs.
void split_pairs(const std::vector<std::vector<uint64_t>>& pairs,
                 std::vector<std::vector<uint64_t>> (&half)[2]) {
  bool to_a = true;
  for (auto& h : half) h.resize(pairs.size());
  for (size_t r = 0; r < pairs.size(); ++r) {
    half[0][r].resize(pairs[r].size());
    half[1][r].resize(pairs[r].size());
    for (size_t e = 0; e < pairs[r].size(); ++e) {
      const uint64_t n = pairs[r][e];
      const uint64_t odd = n % 2;
      half[0][r][e] = n / 2 + (to_a ? odd : 0);
      half[1][r][e] = n / 2 + (to_a ? 0 : odd);
      if (odd) to_a = !to_a;
    }
  }
}

}  // namespace

void OperatorServingCost::overlapped_layers(std::span<const RankLoad> loads, double token_bytes,
                                            IterationCost& cost) {
  const ModelCard& card = config_.card;
  const ParallelLayout& l = config_.layout;
  const size_t ranks = loads.size();
  std::vector<RankLoad> halves[2];
  std::vector<double> tokens[2];
  double most_tokens = 0, prefill[2] = {0, 0};
  for (const RankLoad& load : loads) {
    for (int h = 0; h < 2; ++h) {
      halves[h].push_back(half_of(load, h == 0));
      tokens[h].push_back(halves[h].back().tokens);
      most_tokens = std::max(most_tokens, halves[h].back().tokens);
      prefill[h] += halves[h].back().prefill_tokens;
    }
  }
  // Each half's tensor-parallel all-reduces run on the compute stream (they block the GPU).
  const double all_reduce_us = tensor_all_reduce_us(most_tokens, token_bytes);
  const double share = exchange_->strategy().compute_share_beside();
  if (!(share > 0)) throw std::logic_error("overlap: the exchange leaves the experts no compute");
  const auto layer_a = layer_times(halves[0]);
  const auto layer_b = layer_times(halves[1]);
  TwoBatchSchedule schedule(true);
  std::vector<std::vector<uint64_t>> half_pairs[2];
  std::vector<double> rank_us(ranks);
  double all_reduces = 0;
  uint32_t moe_layer = 0;
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    const bool is_moe = card.moe_layers.is_moe(layer);
    MicroBatchLayer half[2];
    for (int h = 0; h < 2; ++h) {
      const auto& times = h == 0 ? layer_a : layer_b;
      double slowest = 0, attention = 0, dense = 0;
      for (size_t r = 0; r < ranks; ++r) {
        const LayerTime& t = times[r][kind_of(layer)];
        rank_us[r] = (h == 0 ? 0 : rank_us[r]) + t.total;
        if (t.total > slowest) {
          slowest = t.total;
          attention = t.attention;
          dense = t.dense;
        }
      }
      half[h].attention_us = slowest + 2 * all_reduce_us;
      cost.attention_us += attention;
      cost.dense_us += dense;
      all_reduces += 2 * all_reduce_us;
    }
    if (is_moe) {
      const uint32_t moe = moe_layer++;
      split_pairs(experts_->split(moe, routing_.route(moe)), half_pairs);
      for (int h = 0; h < 2; ++h) {
        rank_moe_.resize(half_pairs[h].size());
        double slowest_moe = 0;
        for (size_t e = 0; e < half_pairs[h].size(); ++e) {
          // The exchange of the other half runs beside these experts on its own SMs.
          rank_moe_[e] = experts_us(half_pairs[h][e], l.moe_tensor_parallel()) / share;
          slowest_moe = std::max(slowest_moe, rank_moe_[e]);
        }
        replica_maxima(rank_moe_, ranks);
        for (size_t r = 0; r < ranks; ++r) rank_us[r] += replica_moe_[r];
        exchange_->begin(tokens[h], prefill[h]);
        const ExchangeResult exchange = exchange_->layer(half_pairs[h]);
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
