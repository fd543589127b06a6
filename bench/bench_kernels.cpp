// Reference kernels on this machine's CPU, single-threaded (Eigen parallelises only when built
// with OpenMP, which moesim does not enable; the eigen_threads counter shows 1).
//
// BM_EigenGemm: fp32 C = A B with row-major operands as the kernels use them. Args: M, K, N.
//   FLOP/s = 2 M K N per iteration.
// BM_MoeLayerMixtral: the reference layer's router, routed experts and combine for 512 tokens
//   of Mixtral-8x7B shape (H 4096, F 14336, 8 experts, top-2, softmax, renormalised). FLOP/s
//   counts only the expert GEMMs, 6 H F per (token, expert) selection, over the whole layer's
//   time. Eight experts in fp32 would be 5.6 GB, so only two are materialised and expert e
//   uses the weights of expert e % 2: every expert still runs its own GEMMs on its own tokens,
//   with the same per-expert token counts as eight distinct experts. Each expert's weights
//   (705 MB) far exceed the caches either way. Setup draws about 350 M normals (seconds).
//
// Run: build/bench/moesim_bench --benchmark_filter='EigenGemm|MoeLayer'

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include "models/reference/expert_partition.h"
#include "models/reference/router.h"
#include "models/reference/synthetic_weights.h"
#include "sim/rng.h"

namespace {

using moesim::kernels::Matrix;

void BM_EigenGemm(benchmark::State& state) {
  const auto m = static_cast<uint32_t>(state.range(0));
  const auto k = static_cast<uint32_t>(state.range(1));
  const auto n = static_cast<uint32_t>(state.range(2));
  const Matrix a = Matrix::Random(m, k);
  const Matrix b = Matrix::Random(k, n);
  Matrix c(m, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * m * k * n;
  state.counters["FLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["eigen_threads"] = Eigen::nbThreads();
}
BENCHMARK(BM_EigenGemm)
    ->Args({512, 4096, 4096})
    ->Args({512, 4096, 14336})
    ->Args({128, 4096, 14336})
    ->Args({128, 14336, 4096})
    ->Unit(benchmark::kMillisecond);

struct MixtralLayer {
  static constexpr uint32_t kHidden = 4096;
  static constexpr uint32_t kFfn = 14336;
  static constexpr uint32_t kExperts = 8;
  static constexpr uint32_t kMaterialised = 2;
  static constexpr uint32_t kTokens = 512;

  moesim::kernels::RouterConfig config{
      moesim::kernels::RouterScoring::kSoftmax, 2, 1, 1, true, 1.0f};
  moesim::kernels::RouterWeights router;
  std::vector<moesim::kernels::SwigluWeights> stored;
  std::vector<const moesim::kernels::SwigluWeights*> table;  ///< expert e -> stored[e % 2]
  Matrix x;

  MixtralLayer() {
    moesim::RngStream rng(87);
    router.weight = moesim::kernels::make_normal_matrix(kHidden, kExperts, 1.0 / 64.0, rng);
    for (uint32_t e = 0; e < kMaterialised; ++e) {
      stored.push_back(moesim::kernels::make_synthetic_expert(kHidden, kFfn, rng));
    }
    for (uint32_t e = 0; e < kExperts; ++e) table.push_back(&stored[e % kMaterialised]);
    x = moesim::kernels::make_synthetic_tokens(kTokens, kHidden, rng);
  }
};

void BM_MoeLayerMixtral(benchmark::State& state) {
  static const auto layer = std::make_unique<MixtralLayer>();  // built once, about 1.4 GB
  size_t selections = 0;
  std::vector<uint64_t> loads;
  for (auto _ : state) {
    const auto routed = moesim::kernels::route(layer->config, layer->router, layer->x);
    const auto work = moesim::kernels::work_by_expert(routed);
    Matrix out = moesim::kernels::routed_output(layer->table, layer->x, work);
    benchmark::DoNotOptimize(out.data());
    selections = routed.routing.experts.size();
    loads = routed.routing.expert_loads();
  }
  const double flops =
      6.0 * MixtralLayer::kHidden * static_cast<double>(MixtralLayer::kFfn) * selections;
  state.counters["FLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["eigen_threads"] = Eigen::nbThreads();
  uint64_t max_load = 0;
  uint64_t min_load = UINT64_MAX;
  for (const uint64_t l : loads) {
    max_load = std::max(max_load, l);
    min_load = std::min(min_load, l);
  }
  state.counters["min_tokens_per_expert"] = static_cast<double>(min_load);
  state.counters["max_tokens_per_expert"] = static_cast<double>(max_load);
}
BENCHMARK(BM_MoeLayerMixtral)->Unit(benchmark::kMillisecond);

}  // namespace
