#pragma once
/// The routing of one batch of tokens at one layer: which experts each token chose.
///
/// Token t chose experts[offsets[t] .. offsets[t + 1]); the count may differ per token (top-p,
/// null experts), so the layout is compressed rather than tokens x k.

#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

struct TokenRouting {
  uint32_t num_experts = 0;
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> experts;

  size_t tokens() const { return offsets.size() - 1; }
  std::span<const uint32_t> choices(size_t token) const {
    return {experts.data() + offsets[token], offsets[token + 1] - offsets[token]};
  }
  void clear(uint32_t experts_in_layer) {
    num_experts = experts_in_layer;
    offsets.assign(1, 0);
    experts.clear();
  }
  /// Appends a token whose choices are the last `count` values pushed to `experts`.
  void close_token() { offsets.push_back(static_cast<uint32_t>(experts.size())); }

  /// Tokens per expert (selections counted once per choice).
  std::vector<uint64_t> expert_loads() const {
    std::vector<uint64_t> loads(num_experts, 0);
    for (const uint32_t e : experts) ++loads[e];
    return loads;
  }
};

}  // namespace moesim
