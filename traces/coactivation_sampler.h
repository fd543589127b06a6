#pragma once
/// Expert co-activation from a routing generator: per MoE layer, how many sampled tokens chose
/// both experts i and j. What co-activation-aware placements read (speculative expert
/// grouping, s-EG, arXiv 2503.04398): per-expert counts alone lose which experts share tokens.

#include <cstdint>
#include <vector>

#include "traces/routing_generator.h"

namespace moesim {

/// Routes `tokens` tokens through `generator` per token (generate, layers 0 .. layers - 1 per
/// batch of at most 65536 tokens, never generate_counts) and returns, per layer, the flattened
/// symmetric E x E matrix: entry i * experts + j (i != j) counts the tokens that chose both i
/// and j, the diagonal the tokens that chose i (an expert a token repeats counts once). Memory:
/// layers x experts^2 doubles. Throws std::invalid_argument for no experts or a choice outside
/// [0, experts).
std::vector<std::vector<double>> sample_coactivation(RoutingGenerator& generator, uint64_t tokens,
                                                     uint32_t layers, uint32_t experts);

}  // namespace moesim
