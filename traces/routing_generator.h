#pragma once
/// Routing generators: synthesise which experts each token picks, layer by layer.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "traces/routing_trace.h"
#include "traces/token_routing.h"

namespace moesim {

struct RoutingShape {
  uint32_t num_experts = 0;
  uint32_t top_k = 0;  ///< choices per token, <= num_experts
};

/// Throws std::invalid_argument unless 0 < top_k <= num_experts.
void check_routing_shape(const RoutingShape& shape);

/// Which token of which request a routed token is, for generators whose choices depend on the
/// request (temporal locality) and for writing canonical trace records.
struct TokenContext {
  uint64_t step = 0;      ///< engine iteration
  uint64_t request = 0;   ///< request id
  uint32_t position = 0;  ///< position within the request
  TokenPhase phase = TokenPhase::prefill;
};

/// Generators are called layer 0, 1, 2, ... for one batch of tokens, so token i at layer l + 1
/// is the same token as token i at layer l; calling layer 0 (either call) starts a new batch.
class RoutingGenerator {
 public:
  virtual ~RoutingGenerator() = default;
  /// Fills `out` with the choices of `tokens` tokens at `layer`.
  virtual void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) = 0;
  /// The same for tokens whose requests are known. Generators that do not use the context
  /// ignore it; the plain call above treats the batch as consecutive tokens of one request.
  virtual void generate_with_context(uint32_t layer, std::span<const TokenContext> tokens,
                                     TokenRouting& out) {
    generate(layer, static_cast<uint32_t>(tokens.size()), out);
  }
  /// For consumers that only need how many tokens each expert received (the serving engine):
  /// draws those counts for the whole batch directly, in place of generate_with_context at
  /// this layer, and returns true; `counts` gets one entry per expert. Their law is that of
  /// counting generate_with_context's choices (exactly, or as the generator documents); the
  /// random draws differ. Returns false, changing nothing, where the generator must draw per
  /// token (trace replay, temporal reuse, cross-layer dependence, small batches): the caller
  /// then calls generate_with_context.
  virtual bool generate_counts(uint32_t /*layer*/, std::span<const TokenContext> /*tokens*/,
                               std::vector<uint64_t>& /*counts*/) {
    return false;
  }
};

}  // namespace moesim
