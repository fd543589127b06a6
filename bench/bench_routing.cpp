// Routing generator throughput: routing entries (token x chosen expert) generated per second
// by the synthetic generator with Zipf popularity, alone and with cross-layer transitions and
// temporal reuse, and by the calibrated OLMoE generator. Output: items_per_second = entries
// per second (target: >= 20 M/s on one core). BM_CalibratedCounts: the serving validation
// replay's routing (calibrated, like OLMoE-1B-7B on Tulu, 128 experts, top-8) drawn as
// per-expert counts (generate_counts) and, for comparison, per token and counted; entries are
// the token x choice pairs the counts stand for.

#include <cstdint>
#include <memory>

#include <benchmark/benchmark.h>

#include "sim/rng.h"
#include "traces/calibration/measured_routing.h"
#include "traces/calibration/measured_routing_reshape.h"
#include "traces/synthetic/calibrated_routing.h"
#include "traces/synthetic/random_transitions.h"
#include "traces/synthetic/synthetic_routing.h"
#include "traces/synthetic/zipf_popularity.h"

namespace {

using namespace moesim;

constexpr uint32_t kTokens = 4096;
constexpr uint32_t kLayers = 16;

void run_layers(benchmark::State& state, RoutingGenerator& g, uint32_t k) {
  TokenRouting r;
  for (auto _ : state) {
    for (uint32_t layer = 0; layer < kLayers; ++layer) {
      g.generate(layer, kTokens, r);
      benchmark::DoNotOptimize(r.experts.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * int64_t{kTokens} * kLayers * k);
}

// Args: experts, k, dependence (0: independent layers; 1: transitions 0.5 and temporal 0.3).
void BM_ZipfRouting(benchmark::State& state) {
  const auto experts = static_cast<uint32_t>(state.range(0));
  const auto k = static_cast<uint32_t>(state.range(1));
  RngStreams streams(1);
  SyntheticRoutingParts parts;
  parts.num_experts = experts;
  parts.k = KDistribution::fixed(k);
  parts.popularity = std::make_unique<ZipfPopularity>(experts, std::vector<double>{1.2},
                                                      streams.stream("routing.popularity"));
  if (state.range(2) != 0) {
    parts.cross_layer = std::make_unique<RandomTransitions>(experts, 0.3, 0.5,
                                                            streams.stream("routing.transitions"));
    parts.temporal_reuse = 0.3;
  }
  SyntheticRouting g(std::move(parts), streams.stream("routing"));
  run_layers(state, g, k);
}
BENCHMARK(BM_ZipfRouting)->Args({8, 2, 0})->Args({64, 8, 0})->Args({64, 8, 1})->Args({256, 8, 1});

void BM_CalibratedOlmoe(benchmark::State& state) {
  const auto all = load_measured_routing(default_routing_stats_dir());
  RngStreams streams(1);
  auto g = make_calibrated_routing(all.at({"OLMoE-1B-7B", "arxiv"}), {}, streams.stream("routing"),
                                   streams.stream("routing.calibration"));
  run_layers(state, *g, 8);
}
BENCHMARK(BM_CalibratedOlmoe);

// Args: tokens per batch, 1 = count-level, 0 = per token.
void BM_CalibratedCounts(benchmark::State& state) {
  const auto tokens = static_cast<uint32_t>(state.range(0));
  const bool counts = state.range(1) != 0;
  const auto all = load_measured_routing(default_routing_stats_dir());
  const MeasuredRouting stats = reshape_measured_routing(all.at({"OLMoE-1B-7B", "tulu"}), 128, 8);
  RngStreams streams(1);
  auto g = make_calibrated_routing(stats, {}, streams.stream("routing"),
                                   streams.stream("routing.calibration"));
  const std::vector<TokenContext> batch(tokens);
  std::vector<uint64_t> loads;
  TokenRouting r;
  constexpr uint32_t kServingLayers = 48;
  for (auto _ : state) {
    for (uint32_t layer = 0; layer < kServingLayers; ++layer) {
      if (!counts || !g->generate_counts(layer, batch, loads)) {
        g->generate_with_context(layer, batch, r);
        loads = r.expert_loads();
      }
      benchmark::DoNotOptimize(loads.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * int64_t{tokens} * kServingLayers * 8);
}
BENCHMARK(BM_CalibratedCounts)
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({256, 0})
    ->Args({256, 1})
    ->Args({2048, 0})
    ->Args({2048, 1});

}  // namespace
