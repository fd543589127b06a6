#pragma once
/// Writes a canonical routing trace from a routing generator: every layer of a list of tokens
/// (request, position, phase, step), one RoutingBatch record per token and layer, in token
/// order and, within a token, layer order.

#include <cstdint>
#include <span>
#include <vector>

#include "traces/routing_generator.h"
#include "traces/routing_trace.h"

namespace moesim {

class TraceGenerator {
 public:
  /// `generator` must outlive this object; `layers` > 0.
  TraceGenerator(RoutingGenerator& generator, uint32_t layers);

  /// Appends to `out` the records of `tokens`, routed as one batch through every layer.
  void generate(std::span<const TokenContext> tokens, RoutingBatch& out);

  /// Prefill contexts: `requests` requests of `tokens_per_request` positions each, request ids
  /// from `first_request`, all in step `step`, request-major.
  static std::vector<TokenContext> prefill_tokens(uint64_t first_request, uint32_t requests,
                                                  uint32_t tokens_per_request, uint64_t step = 0);

 private:
  RoutingGenerator* generator_;
  uint32_t layers_;
  std::vector<TokenRouting> per_layer_;
};

}  // namespace moesim
