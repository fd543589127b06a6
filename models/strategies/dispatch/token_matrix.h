#pragma once
/// One MoE layer's token traffic in one iteration, at expert-parallel rank granularity: how many
/// tokens start on each rank, and how many each rank and each node receive.
///
/// Built from counts, not per-token choices. A token's experts do not depend on the rank it
/// starts on (true of every count-level routing generator), so source s sends each destination
/// the share T_s / T of what that destination receives: the token matrix is the outer product
/// of the two vectors, kept as the vectors (O(ranks) memory, not O(ranks^2)).
///
/// A token travels once to every rank that holds one of its experts, however many it holds
/// there (NCCL all-to-all dispatchers permute tokens per rank, DeepEP sends per rank), and once
/// to every node for dispatchers that forward inside the node. A group of expert replicas (a
/// rank, a node) serving the share s of all choices is missed by a token of k distinct choices
/// among E replicas with chance prod over i < k of (1 - s E / (E - i)): each choice falls
/// among the remaining slots. Exact for top-1 and for uniform routing over equal groups
/// (1 - C(E - E_g, k) / C(E, k)); for skewed loads an approximation.

#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

struct TokenMatrix {
  std::vector<double> source_tokens;   ///< [rank] tokens starting there (their attention rank)
  std::vector<double> pairs;           ///< [rank] token-expert pairs its experts compute
  std::vector<double> rank_tokens;     ///< [rank] tokens it receives, once per token
  std::vector<double> node_tokens;     ///< [node] tokens the node receives, once per token
  std::vector<uint32_t> node_of_rank;  ///< [rank] its node
  double total_tokens = 0;             ///< sum of source_tokens
  /// Of those, tokens of prompts (prefill); the rest decode. Set by the caller (0 by default).
  double prefill_tokens = 0;

  uint32_t ranks() const { return static_cast<uint32_t>(source_tokens.size()); }
  uint32_t nodes() const { return static_cast<uint32_t>(node_tokens.size()); }
  /// Source s's share of every destination's traffic, T_s / T (0 when no tokens).
  double share(uint32_t s) const {
    return total_tokens > 0 ? source_tokens[s] / total_tokens : 0.0;
  }

  /// The chance that a token with `k` distinct choices among `experts` misses a group serving
  /// the share `share` of all choices.
  static double miss_chance(double share, double k, double experts);

  /// `source_tokens[r]`: tokens starting on rank r; `rank_expert_tokens[r]`: the token-expert
  /// pairs of each expert replica rank r computes; `node_of_rank[r]`: its node (nodes numbered
  /// from 0). Throws std::invalid_argument when the sizes differ or a count is negative.
  static TokenMatrix build(std::span<const double> source_tokens,
                           std::span<const std::vector<uint64_t>> rank_expert_tokens,
                           std::span<const uint32_t> node_of_rank);
};

}  // namespace moesim
