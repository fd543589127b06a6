#include "models/strategies/dispatch/token_matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moesim {

double TokenMatrix::miss_chance(double share, double k, double experts) {
  // At most one choice per expert.
  const auto choices =
      std::min<uint64_t>(static_cast<uint64_t>(std::llround(k)), static_cast<uint64_t>(experts));
  if (choices <= 1 || experts <= 1) return std::clamp(1.0 - share * k, 0.0, 1.0);
  // Without replacement: the i-th choice falls among the other experts' E - i remaining
  // slots, of which the group holds share x E.
  double miss = 1.0;
  for (uint64_t i = 0; i < choices && miss > 0; ++i) {
    miss *= std::max(0.0, 1.0 - share * experts / (experts - static_cast<double>(i)));
  }
  return miss;
}

TokenMatrix TokenMatrix::build(std::span<const double> source_tokens,
                               std::span<const std::vector<uint64_t>> rank_expert_tokens,
                               std::span<const uint32_t> node_of_rank) {
  const size_t ranks = source_tokens.size();
  if (ranks == 0) throw std::invalid_argument("token matrix: no ranks");
  if (rank_expert_tokens.size() != ranks || node_of_rank.size() != ranks) {
    throw std::invalid_argument("token matrix: source, expert and node counts per rank differ");
  }
  TokenMatrix m;
  m.source_tokens.assign(source_tokens.begin(), source_tokens.end());
  m.node_of_rank.assign(node_of_rank.begin(), node_of_rank.end());
  for (const double t : source_tokens) {
    if (!(t >= 0)) throw std::invalid_argument("token matrix: negative tokens on a rank");
    m.total_tokens += t;
  }
  const uint32_t nodes = *std::max_element(node_of_rank.begin(), node_of_rank.end()) + 1;
  m.pairs.assign(ranks, 0.0);
  size_t experts = 0;  // expert replicas serving any token
  for (size_t r = 0; r < ranks; ++r) {
    for (const uint64_t n : rank_expert_tokens[r]) {
      m.pairs[r] += static_cast<double>(n);
      experts += n > 0;
    }
  }
  std::vector<double> node_pairs(nodes, 0.0);
  double all_pairs = 0;
  for (size_t r = 0; r < ranks; ++r) {
    node_pairs[node_of_rank[r]] += m.pairs[r];
    all_pairs += m.pairs[r];
  }
  const double k = m.total_tokens > 0 ? all_pairs / m.total_tokens : 0.0;  // choices per token
  const auto reached = [&](double pairs) {
    return m.total_tokens * (1.0 - miss_chance(pairs / all_pairs, k, static_cast<double>(experts)));
  };
  // A token picks an expert at most once, so a group receives at least its busiest expert's
  // tokens and at most its pairs (and the batch): the estimate is held inside those bounds,
  // where the slot approximation would let a rank with one hot expert fall below its pairs.
  std::vector<double> busiest(ranks, 0.0), node_busiest(nodes, 0.0);
  for (size_t r = 0; r < ranks; ++r) {
    for (const uint64_t n : rank_expert_tokens[r]) {
      busiest[r] = std::max(busiest[r], static_cast<double>(n));
    }
  }
  const auto bounded = [&](double estimate, double low, double pairs) {
    return std::clamp(estimate, std::min(low, m.total_tokens), std::min(pairs, m.total_tokens));
  };
  m.rank_tokens.assign(ranks, 0.0);
  for (size_t r = 0; r < ranks; ++r) {
    if (m.pairs[r] <= 0) continue;
    m.rank_tokens[r] = bounded(reached(m.pairs[r]), busiest[r], m.pairs[r]);
    node_busiest[node_of_rank[r]] = std::max(node_busiest[node_of_rank[r]], m.rank_tokens[r]);
  }
  m.node_tokens.assign(nodes, 0.0);
  for (uint32_t n = 0; n < nodes; ++n) {
    if (node_pairs[n] > 0)
      m.node_tokens[n] = bounded(reached(node_pairs[n]), node_busiest[n], node_pairs[n]);
  }
  return m;
}

}  // namespace moesim
