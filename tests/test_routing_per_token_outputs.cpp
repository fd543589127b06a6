// Per-token routing outputs pinned by fingerprint: the per-token path (generate and
// generate_with_context) must draw the same experts in the same order for a fixed seed, whatever
// is changed around it (count-level drawing, speed-ups). The fingerprints are FNV-1a hashes of
// every token's choices, taken from the code before count-level drawing was added.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/rng.h"
#include "traces/round_robin_routing.h"
#include "traces/routing_params.h"
#include "traces/synthetic/routing_from_spec.h"
#include "traces/uniform_routing.h"

using namespace moesim;

namespace {

struct Fingerprint {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV offset basis
  void add(uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (value >> (8 * byte)) & 0xff;
      hash *= 0x100000001b3ULL;  // FNV prime
    }
  }
  void add(const TokenRouting& r) {
    add(r.tokens());
    for (size_t t = 0; t < r.tokens(); ++t) {
      add(r.choices(t).size());
      for (const uint32_t e : r.choices(t)) add(e);
    }
  }
};

/// Batches of `tokens` tokens through `layers` layers with the plain call.
uint64_t plain(RoutingGenerator& g, uint32_t batches, uint32_t layers, uint32_t tokens) {
  Fingerprint f;
  TokenRouting r;
  for (uint32_t b = 0; b < batches; ++b) {
    for (uint32_t l = 0; l < layers; ++l) {
      g.generate(l, tokens, r);
      f.add(r);
    }
  }
  return f.hash;
}

/// Batches whose tokens belong to 5 requests, positions continuing from batch to batch.
uint64_t with_context(RoutingGenerator& g, uint32_t batches, uint32_t layers, uint32_t tokens) {
  Fingerprint f;
  TokenRouting r;
  std::vector<uint32_t> next_position(5, 0);
  for (uint32_t b = 0; b < batches; ++b) {
    std::vector<TokenContext> contexts;
    for (uint32_t t = 0; t < tokens; ++t) {
      const uint32_t request = (t * 7 + b) % 5;
      contexts.push_back(TokenContext{b, request, next_position[request]++,
                                      t % 3 == 0 ? TokenPhase::prefill : TokenPhase::decode});
    }
    for (uint32_t l = 0; l < layers; ++l) {
      g.generate_with_context(l, contexts, r);
      f.add(r);
    }
  }
  return f.hash;
}

}  // namespace

TEST_CASE("Per-token routing of Zipf, Dirichlet and combined synthetic generators is unchanged",
          "[routing]") {
  SECTION("zipf") {
    RngStreams rng(7);
    SyntheticRoutingSpec spec;
    spec.popularity = PopularityKind::zipf;
    spec.skew = 1.2;
    const auto g = make_routing_from_spec({64, 8}, spec, rng);
    CHECK(plain(*g, 3, 6, 300) == 0xde14729da753ecd6ULL);
  }
  SECTION("transitions, temporal reuse, dynamic k, Dirichlet popularity") {
    RngStreams rng(11);
    SyntheticRoutingSpec spec;
    spec.popularity = PopularityKind::dirichlet;
    spec.alpha = 0.5;
    spec.segment = 100;
    spec.transition_strength = 0.5;
    spec.transition_concentration = 0.3;
    spec.temporal_reuse = 0.3;
    spec.k = DynamicK{1, 16, 6.0};
    const auto g = make_routing_from_spec({32, 6}, spec, rng);
    CHECK(with_context(*g, 4, 5, 120) == 0xe33710d33393034dULL);
  }
}

TEST_CASE("Per-token routing of the calibrated generators is unchanged", "[routing]") {
  SECTION("OLMoE-1B-7B c4: measured transitions 0 -> 7 -> 15") {
    RngStreams rng(3);
    CalibratedRoutingSpec spec;
    spec.model = "OLMoE-1B-7B";
    spec.domain = "c4";
    const auto g = make_routing_from_spec({64, 8}, spec, rng);
    CHECK(plain(*g, 2, 16, 200) == 0xccc019c1b2fa6f7aULL);
  }
  SECTION("like OLMoE-1B-7B tulu on 128 experts (the serving validation replay's routing)") {
    RngStreams rng(42);
    CalibratedRoutingSpec spec;
    spec.model = "OLMoE-1B-7B";
    spec.reshape = true;
    spec.domain = "tulu";
    const auto g = make_routing_from_spec({128, 8}, spec, rng);
    CHECK(with_context(*g, 2, 48, 100) == 0x4feb1239992e7c4eULL);
  }
}

TEST_CASE("Per-token routing of the uniform and round-robin generators is unchanged", "[routing]") {
  RngStreams rng(5);
  UniformRouting uniform({16, 2}, rng.stream("routing"));
  CHECK(plain(uniform, 3, 4, 250) == 0xf6cca3da8ea76c24ULL);
  RoundRobinRouting round_robin({10, 3});
  CHECK(plain(round_robin, 2, 3, 25) == 0xfeeb6b0f2f4d85ULL);
}
