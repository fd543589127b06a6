#include "models/strategies/dispatch/token_matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moesim {

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
  m.rank_tokens.assign(ranks, 0.0);
  // log of the chance that a token misses every expert of the rank (of the node), summed in
  // logs so that hundreds of experts per node do not underflow.
  std::vector<double> node_log_miss(nodes, 0.0);
  const double total = m.total_tokens;
  for (size_t r = 0; r < ranks; ++r) {
    double log_miss = 0;
    for (const uint64_t n : rank_expert_tokens[r]) {
      m.pairs[r] += static_cast<double>(n);
      if (n == 0 || total <= 0) continue;
      const double p = std::min(1.0, static_cast<double>(n) / total);
      log_miss += p >= 1.0 ? -INFINITY : std::log1p(-p);
    }
    m.rank_tokens[r] = total * -std::expm1(log_miss);
    node_log_miss[node_of_rank[r]] += log_miss;
  }
  m.node_tokens.assign(nodes, 0.0);
  for (uint32_t n = 0; n < nodes; ++n) m.node_tokens[n] = total * -std::expm1(node_log_miss[n]);
  return m;
}

}  // namespace moesim
