#include "models/strategies/dispatch/exchange_traffic.h"

#include <utility>

namespace moesim {
namespace {

/// Per node: the sources' share of tokens, the tokens its ranks receive, and its ranks.
struct NodeSums {
  std::vector<double> share, rank_tokens, ranks;
  double rank_tokens_total = 0, node_tokens_total = 0;
  double share_total = 0;  // the nodes' shares summed: 1 up to rounding, and exactly the one
                           // node's share on one node, so nothing crosses nodes there
};

NodeSums node_sums(const TokenMatrix& m) {
  NodeSums n{std::vector<double>(m.nodes(), 0.0), std::vector<double>(m.nodes(), 0.0),
             std::vector<double>(m.nodes(), 0.0)};
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    const uint32_t node = m.node_of_rank[r];
    n.share[node] += m.share(r);
    n.rank_tokens[node] += m.rank_tokens[r];
    n.ranks[node] += 1;
    n.rank_tokens_total += m.rank_tokens[r];
  }
  for (const double t : m.node_tokens) n.node_tokens_total += t;
  for (const double a : n.share) n.share_total += a;
  return n;
}

}  // namespace

StepTraffic direct_traffic(const TokenMatrix& m, double b) {
  const NodeSums n = node_sums(m);
  StepTraffic t(m.ranks());
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    const uint32_t node = m.node_of_rank[r];
    const double a = m.share(r), c = m.rank_tokens[r];
    t.intra_send[r] = a * (n.rank_tokens[node] - c) * b;
    t.inter_send[r] = a * (n.rank_tokens_total - n.rank_tokens[node]) * b;
    t.intra_recv[r] = c * (n.share[node] - a) * b;
    t.inter_recv[r] = c * (n.share_total - n.share[node]) * b;
  }
  return t;
}

StepTraffic internode_traffic(const TokenMatrix& m, double b) {
  const NodeSums n = node_sums(m);
  StepTraffic t(m.ranks());
  if (m.total_tokens <= 0) return t;
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    const uint32_t node = m.node_of_rank[r];
    t.inter_send[r] = m.share(r) * (n.node_tokens_total - m.node_tokens[node]) * b;
    t.inter_recv[r] = m.node_tokens[node] * (n.share_total - n.share[node]) * b / n.ranks[node];
  }
  return t;
}

StepTraffic intranode_traffic(const TokenMatrix& m, double b) {
  const NodeSums n = node_sums(m);
  StepTraffic t(m.ranks());
  for (uint32_t r = 0; r < m.ranks(); ++r) {
    const uint32_t node = m.node_of_rank[r];
    const double a = m.share(r), c = m.rank_tokens[r], g = n.ranks[node];
    const double remote = n.share_total - n.share[node];  // share that came from other nodes
    // Forwarded from the rank they landed on (one of g), and the node's own tokens direct.
    t.intra_send[r] = ((n.rank_tokens[node] - c) * remote / g + a * (n.rank_tokens[node] - c)) * b;
    t.intra_recv[r] = (c * remote * (1.0 - 1.0 / g) + c * (n.share[node] - a)) * b;
  }
  return t;
}

StepTraffic transposed(StepTraffic t) {
  std::swap(t.intra_send, t.intra_recv);
  std::swap(t.inter_send, t.inter_recv);
  return t;
}

}  // namespace moesim
