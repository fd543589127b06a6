#include "models/strategies/dispatch/token_matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moesim {

double TokenMatrix::miss_chance(double share, double k, double experts) {
  const auto choices = static_cast<uint64_t>(std::llround(k));
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
  if (rank_expert_tokens.size() != ranks || node_of_rank.size() != ranks || ranks == 0) {
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
  m.rank_tokens.assign(ranks, 0.0);
  for (size_t r = 0; r < ranks; ++r) m.rank_tokens[r] = m.pairs[r] > 0 ? reached(m.pairs[r]) : 0;
  m.node_tokens.assign(nodes, 0.0);
  for (uint32_t n = 0; n < nodes; ++n)
    m.node_tokens[n] = node_pairs[n] > 0 ? reached(node_pairs[n]) : 0;
  return m;
}

}  // namespace moesim
