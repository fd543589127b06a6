// Max-min fair re-rating cost with 1,000 concurrent flows.
//
// Topology: 64 GPUs behind one switch, each GPU with an up link (GPU -> switch) and a down
// link (switch -> GPU), 450 GB/s each, zero latency. A flow from GPU s to GPU d crosses
// up_s and down_d. With 1,000 random pairs every link carries ~16 flows and all flows form
// one connected component, so each re-rate recomputes every active flow: the worst case for
// the incremental re-rating in MaxMinNetwork. Counter flows_rerated_per_s = flow rate
// computations per second of CPU time (MaxMinNetwork::flows_rerated() / time).

#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "sim/max_min_network.h"
#include "sim/max_min_solver.h"
#include "sim/simulator.h"

namespace {

using moesim::FlowTag;
using moesim::LinkId;
using moesim::MaxMinNetwork;
using moesim::Simulator;
using moesim::Time;

constexpr uint32_t kGpus = 64;
constexpr size_t kFlows = 1'000;
constexpr double kLinkBandwidth = 450e9;  // bytes/s
// Background flows are large enough never to finish during a benchmark run (~10^4 simulated
// seconds each), small enough that their finish times stay inside Time's range.
constexpr double kBackgroundBytes = 1e14;

// Deterministic (src, dst) pairs with src != dst.
std::vector<std::pair<uint32_t, uint32_t>> make_pairs(size_t n) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  uint64_t x = 0x853c49e6748fea9bULL;
  while (out.size() < n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // 64-bit LCG
    const auto s = static_cast<uint32_t>((x >> 33) % kGpus);
    const auto d = static_cast<uint32_t>((x >> 45) % kGpus);
    if (s != d) out.emplace_back(s, d);
  }
  return out;
}

// A simulator, the single-switch network and `background` active flows at t = 0.
struct Fixture {
  Simulator sim;
  MaxMinNetwork net{sim};
  std::vector<LinkId> up, down;

  explicit Fixture(size_t background) {
    for (uint32_t g = 0; g < kGpus; ++g) {
      up.push_back(
          net.add_link({"gpu" + std::to_string(g) + "->sw", "up", kLinkBandwidth, Time::zero()}));
      down.push_back(
          net.add_link({"sw->gpu" + std::to_string(g), "down", kLinkBandwidth, Time::zero()}));
    }
    for (const auto& [s, d] : make_pairs(background)) {
      net.start_flow({up[s], down[d]}, kBackgroundBytes, FlowTag{s, d, 0}, nullptr);
    }
    sim.run_until(sim.now());  // one coalesced re-rate of all background flows
  }
  std::vector<LinkId> path(uint32_t s, uint32_t d) const { return {up[s], down[d]}; }
};

// One short probe flow joins the 1,000 background flows and later finishes: two re-rates per
// iteration (start, finish), each over all ~1,001 flows. Time/iteration = 2 re-rates plus
// the event handling around them; items_per_second = re-rates per second.
void BM_RerateOnStartFinish(benchmark::State& state) {
  constexpr double kProbeBytes = 1e6;  // ~1 MB: finishes after some tens of simulated us
  Fixture fx(kFlows);
  const auto probe_path = fx.path(3, 17);
  const uint64_t base = fx.net.flows_rerated();
  Simulator& sim = fx.sim;
  for (auto _ : state) {
    fx.net.start_flow(probe_path, kProbeBytes, FlowTag{3, 17, 1}, [&sim] { sim.stop(); });
    sim.run();                 // re-rate (start), then the probe's completion stops the run
    sim.run_until(sim.now());  // the re-rate requested by the finish, at the same instant
  }
  const uint64_t rerated = fx.net.flows_rerated() - base;
  state.SetItemsProcessed(2 * state.iterations());
  state.counters["flows_rerated_per_s"] =
      benchmark::Counter(static_cast<double>(rerated), benchmark::Counter::kIsRate);
  state.counters["flows_per_rerate"] =
      static_cast<double>(rerated) / static_cast<double>(2 * state.iterations());
}
BENCHMARK(BM_RerateOnStartFinish)->Unit(benchmark::kMicrosecond);

// Steady churn: 1,000 flows of random size; each finishing flow starts a replacement at the
// same instant, so the network always holds 1,000 flows and each completion costs one
// coalesced re-rate. This is the path a long simulation takes. items_per_second = flow
// completions per second.
struct Churn {
  Fixture fx{0};
  std::vector<std::pair<uint32_t, uint32_t>> pairs = make_pairs(4096);
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  size_t next = 0;
  uint64_t budget = 0;

  void start_one() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    const double bytes = 1e6 + static_cast<double>(rng % 1'000'000'000);  // 1 MB .. 1 GB
    const auto [s, d] = pairs[next++ % pairs.size()];
    fx.net.start_flow(fx.path(s, d), bytes, FlowTag{s, d, 2}, [this] { on_done(); });
  }
  void on_done() {
    start_one();
    if (--budget == 0) fx.sim.stop();
  }
};

void BM_ChurnSteadyState(benchmark::State& state) {
  constexpr uint64_t kBatch = 100;  // completions per iteration
  Churn c;
  for (size_t i = 0; i < kFlows; ++i) c.start_one();
  c.fx.sim.run_until(c.fx.sim.now());
  // Warm up until the initial background flows no longer dominate the flow mix.
  c.budget = 2 * kFlows;
  c.fx.sim.run();
  const uint64_t rerated0 = c.fx.net.flows_rerated();
  for (auto _ : state) {
    c.budget = kBatch;
    c.fx.sim.run();
  }
  const uint64_t rerated = c.fx.net.flows_rerated() - rerated0;
  state.SetItemsProcessed(static_cast<int64_t>(kBatch) * state.iterations());
  state.counters["flows_rerated_per_s"] =
      benchmark::Counter(static_cast<double>(rerated), benchmark::Counter::kIsRate);
  state.counters["active_flows"] = static_cast<double>(c.fx.net.active_flows());
}
BENCHMARK(BM_ChurnSteadyState)->Unit(benchmark::kMicrosecond);

// MaxMinSolver::solve alone on the same 1,000-flow, 128-link problem (no network
// bookkeeping, no event queue). Time/iteration = one full solve; items_per_second = flows.
void BM_SolverSolve(benchmark::State& state) {
  moesim::MaxMinProblem problem;
  problem.capacity.assign(2 * kGpus, kLinkBandwidth);  // link 2g = up_g, 2g + 1 = down_g
  std::vector<uint32_t> links(2);
  for (const auto& [s, d] : make_pairs(kFlows)) {
    links[0] = 2 * s;
    links[1] = 2 * d + 1;
    problem.add_flow(links);
  }
  moesim::MaxMinSolver solver;
  std::vector<double> rates;
  for (auto _ : state) {
    solver.solve(problem, rates);
    benchmark::DoNotOptimize(rates.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(kFlows) * state.iterations());
}
BENCHMARK(BM_SolverSolve)->Unit(benchmark::kMicrosecond);

}  // namespace
