// Event kernel throughput: schedule + dispatch of trivial events through Simulator.
//
// Every event is a lambda capturing one pointer (fits std::function's small buffer, so no
// heap allocation), which isolates the queue and dispatch cost from model work. Output:
// items_per_second = events dispatched per second (target: >= 10 M/s on one core).

#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "sim/simulator.h"

namespace {

using moesim::Phase;
using moesim::Simulator;
using moesim::Time;

// Deterministic pseudo-random delays (xorshift64), precomputed outside the timed region.
std::vector<int64_t> make_delays(size_t n, int64_t spread_ps) {
  std::vector<int64_t> out(n);
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& d : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    d = static_cast<int64_t>(x % static_cast<uint64_t>(spread_ps));
  }
  return out;
}

// Batch: schedule N events at random times within N ps of now, then run() drains them.
// The heap grows to N and shrinks back each iteration. Arg: N (events per iteration).
void BM_ScheduleThenRun(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> delays = make_delays(n, static_cast<int64_t>(n));
  Simulator sim;  // reused: slot and heap storage stay allocated across iterations
  uint64_t fired = 0;
  uint64_t* counter = &fired;
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      sim.schedule_in(Time::ps(delays[i]), Phase::kDefault, [counter] { ++*counter; });
    }
    sim.run();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(static_cast<int64_t>(sim.events_processed()));
}
BENCHMARK(BM_ScheduleThenRun)->Arg(1'000)->Arg(100'000);
// Fixed work (200 x 1,000 = 200,000 events) for instruction counting under callgrind.
BENCHMARK(BM_ScheduleThenRun)->Arg(1'000)->Iterations(200);

// Same as above but the callback captures 32 bytes, more than std::function stores inline
// (16 bytes in libstdc++), so every schedule pays a heap allocation and every dispatch a free.
// Shows what a model pays when its event lambdas capture more than two pointers.
void BM_ScheduleThenRunFatCapture(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> delays = make_delays(n, static_cast<int64_t>(n));
  Simulator sim;
  uint64_t fired = 0;
  uint64_t* a = &fired;
  uint64_t* b = &fired;
  uint64_t* c = &fired;
  uint64_t* d = &fired;
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      sim.schedule_in(Time::ps(delays[i]), Phase::kDefault, [a, b, c, d] {
        ++*a;
        benchmark::DoNotOptimize(b);
        benchmark::DoNotOptimize(c);
        benchmark::DoNotOptimize(d);
      });
    }
    sim.run();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(static_cast<int64_t>(sim.events_processed()));
}
BENCHMARK(BM_ScheduleThenRunFatCapture)->Arg(1'000);

// Steady state ("hold" model): P events stay pending; each event, when dispatched, schedules
// its successor at a random delay, so every dispatch is one pop plus one push at heap depth
// log2(P). Arg: P (pending events). Each iteration dispatches kBatch events.
struct HoldModel {
  Simulator sim;
  uint64_t rng = 0x2545f4914f6cdd1dULL;
  int64_t spread_ps = 1;
  uint64_t budget = 0;

  void fire() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    sim.schedule_in(Time::ps(1 + static_cast<int64_t>(rng % static_cast<uint64_t>(spread_ps))),
                    Phase::kDefault, [this] { fire(); });
    if (--budget == 0) sim.stop();  // run() returns with the P events still pending
  }
};

void BM_SteadyStateQueue(benchmark::State& state) {
  constexpr uint64_t kBatch = 100'000;
  const auto pending = state.range(0);
  HoldModel m;
  m.spread_ps = 2 * pending;  // mean delay = pending ps: about one event per ps on average
  for (int64_t i = 0; i < pending; ++i) {
    m.sim.schedule_in(Time::ps(i), Phase::kDefault, [&m] { m.fire(); });
  }
  const uint64_t before = m.sim.events_processed();
  for (auto _ : state) {
    m.budget = kBatch;
    m.sim.run();
  }
  state.SetItemsProcessed(static_cast<int64_t>(m.sim.events_processed() - before));
  state.counters["pending"] = static_cast<double>(pending);
}
BENCHMARK(BM_SteadyStateQueue)->Arg(10)->Arg(1'000)->Arg(100'000);

}  // namespace
