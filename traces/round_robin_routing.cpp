#include "traces/round_robin_routing.h"

namespace moesim {

RoundRobinRouting::RoundRobinRouting(RoutingShape shape) : shape_(shape) {
  check_routing_shape(shape);
}

void RoundRobinRouting::generate(uint32_t /*layer*/, uint32_t tokens, TokenRouting& out) {
  out.clear(shape_.num_experts);
  out.experts.reserve(static_cast<size_t>(tokens) * shape_.top_k);
  for (uint32_t t = 0; t < tokens; ++t) {
    for (uint32_t j = 0; j < shape_.top_k; ++j) out.experts.push_back((t + j) % shape_.num_experts);
    out.close_token();
  }
}

bool RoundRobinRouting::generate_counts(uint32_t /*layer*/, std::span<const TokenContext> tokens,
                                        std::vector<uint64_t>& counts) {
  // Choice j of tokens 0 .. n-1 covers experts j .. j+n-1 (mod E): n / E full turns, then
  // the n mod E experts from j on, added as +1 at j and -1 where that run ends.
  const uint64_t n = tokens.size(), experts = shape_.num_experts;
  std::vector<int64_t> step(experts + 1, 0);
  const uint64_t run = n % experts;
  for (uint64_t j = 0; j < shape_.top_k && run > 0; ++j) {
    const uint64_t begin = j % experts, end = begin + run;
    ++step[begin];
    if (end <= experts) {
      --step[end];
    } else {
      --step[experts];
      ++step[0];
      --step[end - experts];
    }
  }
  counts.assign(experts, 0);
  int64_t level = 0;
  for (uint64_t e = 0; e < experts; ++e) {
    level += step[e];
    counts[e] = shape_.top_k * (n / experts) + static_cast<uint64_t>(level);
  }
  return true;
}

}  // namespace moesim
