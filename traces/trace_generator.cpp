#include "traces/trace_generator.h"

#include <stdexcept>

namespace moesim {

TraceGenerator::TraceGenerator(RoutingGenerator& generator, uint32_t layers)
    : generator_(&generator), layers_(layers), per_layer_(layers) {
  if (layers_ == 0) throw std::invalid_argument("trace generator needs at least one layer");
}

void TraceGenerator::generate(std::span<const TokenContext> tokens, RoutingBatch& out) {
  for (uint32_t l = 0; l < layers_; ++l)
    generator_->generate_with_context(l, tokens, per_layer_[l]);
  for (size_t t = 0; t < tokens.size(); ++t) {
    for (uint32_t l = 0; l < layers_; ++l) {
      out.push({tokens[t].step,
                tokens[t].request,
                tokens[t].position,
                tokens[t].phase,
                l,
                per_layer_[l].choices(t),
                {}});
    }
  }
}

std::vector<TokenContext> TraceGenerator::prefill_tokens(uint64_t first_request, uint32_t requests,
                                                         uint32_t tokens_per_request,
                                                         uint64_t step) {
  std::vector<TokenContext> out;
  out.reserve(static_cast<size_t>(requests) * tokens_per_request);
  for (uint32_t r = 0; r < requests; ++r) {
    for (uint32_t p = 0; p < tokens_per_request; ++p) {
      out.push_back({step, first_request + r, p, TokenPhase::prefill});
    }
  }
  return out;
}

}  // namespace moesim
