#include "models/bounds/pme.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace moesim {
namespace {

void check_prompt(double p, const char* what) {
  if (!std::isfinite(p) || p < 0)
    throw std::invalid_argument(std::string(what) + ": prompt tokens must be finite and >= 0");
}

/// sum_{j=0..g} (p + j) = (g + 1)(2p + g) / 2, the cached tokens held summed over a life.
double held_token_steps(double p, double g_plus_one, double g) {
  return g_plus_one * (2 * p + g) / 2;
}

}  // namespace

void check_request_class(const RequestClass& request, const char* what) {
  check_prompt(request.prompt_tokens, what);
  if (!std::isfinite(request.weight) || request.weight < 0)
    throw std::invalid_argument(std::string(what) + ": request weight must be finite and >= 0");
  if (request.prompt_tokens == 0 && request.output_tokens == 0)
    throw std::invalid_argument(std::string(what) + ": a request class needs p + g > 0 tokens");
}

void check_request_mix(std::span<const RequestClass> requests, const char* what) {
  if (requests.empty()) throw std::invalid_argument(std::string(what) + ": empty request mix");
  double total = 0;
  for (const RequestClass& r : requests) {
    check_request_class(r, what);
    total += r.weight;
  }
  if (!(total > 0))
    throw std::invalid_argument(std::string(what) + ": request weights sum to zero");
}

double pme_exact(double p, uint64_t g) {
  check_request_class(RequestClass{p, g, 1.0}, "pme_exact");
  const double gd = static_cast<double>(g);
  return (p + gd) / held_token_steps(p, gd + 1, gd);
}

double pme_closed_form(double p, uint64_t g) {
  check_prompt(p, "pme_closed_form");
  if (g == 0) throw std::invalid_argument("pme_closed_form: needs g >= 1 output tokens");
  const double gd = static_cast<double>(g);
  return (p + gd) / held_token_steps(p, gd, gd);
}

double pme_average(std::span<const RequestClass> requests) {
  check_request_mix(requests, "pme_average");
  double parallel = 0, held = 0;
  for (const RequestClass& r : requests) {
    const double g = static_cast<double>(r.output_tokens);
    parallel += r.weight * (r.prompt_tokens + g);
    held += r.weight * held_token_steps(r.prompt_tokens, g + 1, g);
  }
  return parallel / held;
}

double pme_average_closed_form(std::span<const RequestClass> requests) {
  check_request_mix(requests, "pme_average_closed_form");
  double parallel = 0, held = 0;
  for (const RequestClass& r : requests) {
    if (r.output_tokens == 0)
      throw std::invalid_argument("pme_average_closed_form: every class needs g >= 1");
    const double g = static_cast<double>(r.output_tokens);
    parallel += r.weight * (r.prompt_tokens + g);
    held += r.weight * held_token_steps(r.prompt_tokens, g, g);
  }
  if (!(held > 0)) throw std::invalid_argument("pme_average_closed_form: weights sum to zero");
  return parallel / held;
}

}  // namespace moesim
