// Topology scale: building multi_node machines of H100 HGX nodes (catalogue figures: NVLink
// 235 ns, PCIe 1 us, InfiniBand NDR 0.6 us) and answering paths for the pairs a simulation
// asks for. Args: fabric (0 = rail, 1 = fat tree), GPUs (8 per node).
//
//   BM_TopologyBuild      build_system only
//   BM_TopologyPaths      build, then every GPU to its ring neighbour (rank + 1) and 16,384
//                         sampled GPU pairs on different nodes: equal_cost_paths + flow_path
//   BM_TopologyAllPairs   build, then flow_path of every ordered GPU pair (the flows of an
//                         all-to-all over every GPU, as a layer forward's dispatch asks)
//
// Time/iteration is wall time (UseRealTime) in ms. Counters: vertices, links, pairs (pairs
// asked), paths_per_pair (equal-cost paths per pair, mean; 0 where only flow paths are asked).
// Peak memory is not reported here: run one case under /usr/bin/time -v (docs/benchmarks.md).

#include <cstdint>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "topologies/catalogue_loader.h"
#include "topologies/system_config.h"

namespace {

using moesim::Topology;

constexpr uint32_t kGpusPerNode = 8;
constexpr size_t kSampledPairs = 16'384;

moesim::BuiltSystem build(const benchmark::State& state) {
  static const moesim::HardwareCatalogue catalogue =
      moesim::load_hardware_catalogue(moesim::default_catalogue_dir());
  moesim::SystemConfig c;
  c.builder = "multi_node";
  c.gpu = "H100-SXM";
  c.gpus = kGpusPerNode;
  c.nodes = static_cast<uint32_t>(state.range(1)) / kGpusPerNode;
  c.fabric = state.range(0) == 0 ? "rail" : "fat_tree";
  return moesim::build_system(c, catalogue);
}

// Ring neighbours, then deterministic pairs (LCG) whose GPUs sit on different nodes.
std::vector<std::pair<uint32_t, uint32_t>> realistic_pairs(const Topology& topo) {
  const std::vector<uint32_t>& gpus = topo.gpus();
  const size_t n = gpus.size();
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (size_t r = 0; r < n; ++r) out.emplace_back(gpus[r], gpus[(r + 1) % n]);
  uint64_t x = 0x853c49e6748fea9bULL;
  while (out.size() < n + kSampledPairs) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // 64-bit LCG
    const size_t a = (x >> 33) % n;
    const size_t b = (x >> 11) % n;
    if (a / kGpusPerNode != b / kGpusPerNode) out.emplace_back(gpus[a], gpus[b]);
  }
  return out;
}

std::vector<std::pair<uint32_t, uint32_t>> all_pairs(const Topology& topo) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t a : topo.gpus()) {
    for (uint32_t b : topo.gpus()) {
      if (a != b) out.emplace_back(a, b);
    }
  }
  return out;
}

// Asks every pair for its flow's path and, with `sets`, its equal-cost paths; returns the
// equal-cost paths counted.
size_t ask(const Topology& topo, const std::vector<std::pair<uint32_t, uint32_t>>& pairs,
           bool sets) {
  size_t paths = 0;
  for (const auto& [src, dst] : pairs) {
    benchmark::DoNotOptimize(topo.flow_path(src, dst).data());
    if (sets) paths += topo.equal_cost_paths(src, dst).size();
  }
  return paths;
}

void report(benchmark::State& state, const Topology& topo, size_t pairs, size_t paths) {
  state.counters["vertices"] = static_cast<double>(topo.nodes().size());
  state.counters["links"] = static_cast<double>(topo.links().size());
  state.counters["pairs"] = static_cast<double>(pairs);
  state.counters["paths_per_pair"] =
      pairs == 0 ? 0.0 : static_cast<double>(paths) / static_cast<double>(pairs);
}

void BM_TopologyBuild(benchmark::State& state) {
  for (auto _ : state) {
    const moesim::BuiltSystem built = build(state);
    benchmark::DoNotOptimize(built.topology.links().data());
    state.PauseTiming();
    report(state, built.topology, 0, 0);
    state.ResumeTiming();
  }
}

template <auto Pairs, bool Sets>
void paths_case(benchmark::State& state) {
  for (auto _ : state) {
    const moesim::BuiltSystem built = build(state);
    const auto pairs = Pairs(built.topology);
    const size_t paths = ask(built.topology, pairs, Sets);
    state.PauseTiming();
    report(state, built.topology, pairs.size(), paths);
    state.ResumeTiming();
  }
}

void BM_TopologyPaths(benchmark::State& state) {
  paths_case<realistic_pairs, true>(state);
}
void BM_TopologyAllPairs(benchmark::State& state) {
  paths_case<all_pairs, false>(state);
}

void small_fabrics(benchmark::internal::Benchmark* b) {
  b->Args({0, 1024})->Args({1, 1024})->Unit(benchmark::kMillisecond)->UseRealTime();
}

// 4,096 to 65,536 GPUs (512 to 8,192 nodes), one run each.
void large_fabrics(benchmark::internal::Benchmark* b) {
  b->Args({0, 4'096})->Args({0, 8'192})->Args({0, 65'536})->Args({1, 65'536})->Iterations(1);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_TopologyBuild)->Apply(small_fabrics);
BENCHMARK(BM_TopologyBuild)->Apply(large_fabrics);
BENCHMARK(BM_TopologyPaths)->Apply(small_fabrics);
BENCHMARK(BM_TopologyPaths)->Apply(large_fabrics);
BENCHMARK(BM_TopologyAllPairs)->Apply(small_fabrics);
