#pragma once
/// Parallelism-Memory Efficiency (PME) of MoE-Lens (Yuan, Ma, Talati, arXiv 2504.09345, §5.2):
/// the parallel tokens a sequence contributes over its life divided by the KV cache it holds
/// summed over the same steps. A sequence with prompt p and g generated tokens contributes
/// p + g parallel tokens (the prompt once at prefill, then one token per decode step) and holds
/// p + j cached tokens at step j = 0..g, so
///   PME(p, g) = (p + g) / sum_{j=0..g} (p + j) = (p + g) / ((g + 1)(2p + g) / 2)   [1/token].
/// The paper's closed form uses g in place of g + 1.

#include <cstdint>
#include <span>

namespace moesim {

/// One class of requests of the workload mix.
struct RequestClass {
  double prompt_tokens;    ///< p, tokens of the prompt (may be a class mean), >= 0
  uint64_t output_tokens;  ///< g, generated tokens
  double weight = 1.0;     ///< relative share of requests in this class, >= 0
};

/// Exact PME = (p + g) / ((g + 1)(2p + g) / 2), in 1/token. Throws std::invalid_argument for a
/// negative or non-finite p, or for p = g = 0 (no tokens at all).
double pme_exact(double p, uint64_t g);

/// The paper's approximation 2(p + g) / (g (2p + g)), in 1/token. Throws std::invalid_argument
/// for g = 0 (undefined) or a negative or non-finite p.
double pme_closed_form(double p, uint64_t g);

/// PME of a mix: ratio of weighted sums, sum w (p + g) / sum w (g + 1)(2p + g) / 2. Throws
/// std::invalid_argument for an empty mix, a negative weight, a zero total weight or an invalid
/// class (as pme_exact).
double pme_average(std::span<const RequestClass> requests);

/// As pme_average with g in place of g + 1 in the denominator (the paper's closed form). Throws
/// std::invalid_argument as pme_average, and for a class with g = 0.
double pme_average_closed_form(std::span<const RequestClass> requests);

/// Checks one class of a mix: p finite and >= 0, weight finite and >= 0, and p + g > 0. Throws
/// std::invalid_argument naming `what` otherwise.
void check_request_class(const RequestClass& request, const char* what);

/// Checks a mix: not empty, every class valid, total weight > 0. Throws std::invalid_argument.
void check_request_mix(std::span<const RequestClass> requests, const char* what);

}  // namespace moesim
