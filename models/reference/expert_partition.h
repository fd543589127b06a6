#pragma once
/// The routed experts' work cut into pieces the way a parallel strategy cuts it, so that a
/// strategy can be checked for exactness: the pieces' weighted outputs, summed, must equal the
/// unpartitioned layer. A piece is one expert, a subset of its tokens and a slice of its
/// intermediate dimension, which expresses
/// - expert parallelism: the pieces of the experts a rank holds (shard_by_placement), with
///   the tokens of a replicated expert split between its replicas;
/// - tensor parallelism: the same expert and tokens over disjoint intermediate slices
///   (split_intermediate), whose outputs add up to the whole expert's;
/// - dropped tokens: pieces that leave tokens out (keep_first_tokens for a capacity limit).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "models/reference/kernel_types.h"
#include "models/reference/router.h"
#include "models/reference/swiglu_expert.h"
#include "models/strategies/placement/placement.h"

namespace moesim::kernels {

/// One piece of routed work: `expert` on the token rows `tokens`, each scaled by its routing
/// weight, over the intermediate columns `slice` (nullopt: the whole expert).
struct ExpertWork {
  uint32_t expert = 0;
  std::vector<uint32_t> tokens;  ///< rows of the layer's token matrix
  std::vector<float> weights;    ///< routing weight of each token for this expert
  std::optional<IntermediateSlice> slice;
};

/// One piece per expert (e = 0 .. E-1, possibly with no tokens), whole experts, tokens in
/// ascending order with their routing weights: the unpartitioned layer's routed work.
std::vector<ExpertWork> work_by_expert(const RoutedTokens& routed);

/// The pieces rank `rank` computes under `placement`: for every expert placed on it, the
/// tokens at positions i with i % replicas == (index of `rank` among the expert's ranks).
/// `per_expert` is work_by_expert's result; its slices are kept.
std::vector<ExpertWork> shard_by_placement(std::span<const ExpertWork> per_expert,
                                           const ExpertPlacement& placement, uint32_t rank);

/// `parts` contiguous slices that partition [0, ffn_size); the first ffn_size % parts are one
/// column wider. Throws std::invalid_argument unless 1 <= parts <= ffn_size.
std::vector<IntermediateSlice> split_intermediate(uint32_t ffn_size, uint32_t parts);

/// `work` restricted to its first `capacity` tokens (in its token order); the rest are dropped.
ExpertWork keep_first_tokens(const ExpertWork& work, uint32_t capacity);

/// Unweighted output [|tokens| x H] of `expert` over the slice of `work` for its tokens:
/// row i is swiglu_forward(expert, x.row(tokens[i]), slice).
Matrix compute_expert_partial(const SwigluWeights& expert, const Matrix& x, const ExpertWork& work);

/// Sum over `work`, in order, of each piece's weighted partial scattered to its tokens: the
/// routed output [T x H] of those pieces (rows no piece touches are zero). experts[e] is the
/// weights of expert e; several entries may point to the same weights.
Matrix routed_output(std::span<const SwigluWeights* const> experts, const Matrix& x,
                     std::span<const ExpertWork> work);

}  // namespace moesim::kernels
