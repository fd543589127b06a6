// Count-level routing: the inclusion probabilities it starts from, the count chain, and its
// agreement with counting per-token choices (RoutingGenerator::generate_counts).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/rng.h"
#include "traces/synthetic/successive_inclusion.h"

using namespace moesim;

namespace {

/// Inclusion probabilities of successive sampling by enumerating every ordered choice.
void enumerate(const std::vector<double>& first, const std::vector<double>& rest, uint32_t k,
               std::vector<uint32_t>& chosen, double probability, std::vector<double>& out) {
  if (chosen.size() == k) {
    for (const uint32_t e : chosen) out[e] += probability;
    return;
  }
  const std::vector<double>& w = chosen.empty() ? first : rest;
  double free = 0.0;
  for (uint32_t e = 0; e < w.size(); ++e) {
    if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) free += w[e];
  }
  for (uint32_t e = 0; e < w.size(); ++e) {
    if (w[e] == 0.0 || std::find(chosen.begin(), chosen.end(), e) != chosen.end()) continue;
    chosen.push_back(e);
    enumerate(first, rest, k, chosen, probability * w[e] / free, out);
    chosen.pop_back();
  }
}

std::vector<double> normalised(std::vector<double> w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= total;
  return w;
}

}  // namespace

TEST_CASE("Successive-sampling inclusion probabilities match enumeration", "[routing][counts]") {
  RngStream rng(17);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<double> first(6), rest(6);
    for (size_t e = 0; e < 6; ++e) {
      first[e] = std::pow(rng.uniform01(), 3.0);  // skewed, some near 0
      rest[e] = std::pow(rng.uniform01(), 3.0);
    }
    rest[trial % 6] = 0.0;  // an expert only ever first
    first = normalised(first);
    rest = normalised(rest);
    for (uint32_t k = 1; k <= 5; ++k) {
      std::vector<double> exact(6, 0.0);
      std::vector<uint32_t> chosen;
      enumerate(first, rest, k, chosen, 1.0, exact);
      const std::vector<double> computed = successive_sampling_inclusion(first, rest, k);
      REQUIRE(computed.size() == 6);
      for (size_t e = 0; e < 6; ++e) {
        INFO("trial " << trial << " k " << k << " expert " << e);
        CHECK(computed[e] == Approx(exact[e]).margin(1e-12));
      }
      CHECK(std::accumulate(computed.begin(), computed.end(), 0.0) == Approx(k).margin(1e-12));
    }
  }
  // Fewer experts with rest weight than k: per-token drawing falls back to uniform choices.
  CHECK(successive_sampling_inclusion(normalised({1, 1, 1}), normalised({1, 0, 0}), 3).empty());
  CHECK(successive_sampling_inclusion(normalised({1, 1}), normalised({1, 1}), 3).empty());
}
