// Macro benchmark: the quickstart scenario end to end (one Mixtral-shaped MoE layer forward
// on 8 GPUs behind one switch), as `moesim run` does it minus trace and file output.
//
// Time/iteration is wall time (UseRealTime) in ms. Counters: sim_events = events the
// Simulator dispatched per run; sim_events_per_s = those events per wall second, i.e. the
// kernel's throughput on real model work rather than trivial events.

#include <string>

#include <benchmark/benchmark.h>

#include "cli/app/layer_simulation.h"
#include "cli/app/scenario_loader.h"

namespace {

const std::string kScenario = std::string(MOESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

// Construct + run only: the scenario is parsed once, outside the timed loop.
void BM_QuickstartRun(benchmark::State& state) {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioConfig cfg = moesim::load_scenario(kScenario, catalog);
  uint64_t events = 0;
  for (auto _ : state) {
    moesim::LayerSimulation sim(cfg, catalog);
    sim.run();
    events += sim.simulator().events_processed();
    benchmark::DoNotOptimize(sim.forward().result().end);
  }
  state.counters["sim_events"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
  state.counters["sim_events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_QuickstartRun)->Unit(benchmark::kMillisecond)->UseRealTime();

// Everything from the YAML file on: catalogue, load_scenario (YAML parse and validation),
// construction and run.
void BM_QuickstartLoadAndRun(benchmark::State& state) {
  uint64_t events = 0;
  for (auto _ : state) {
    const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
    const moesim::ScenarioConfig cfg = moesim::load_scenario(kScenario, catalog);
    moesim::LayerSimulation sim(cfg, catalog);
    sim.run();
    events += sim.simulator().events_processed();
    benchmark::DoNotOptimize(sim.forward().result().end);
  }
  state.counters["sim_events"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
  state.counters["sim_events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_QuickstartLoadAndRun)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
