// Macro benchmark: the serving validation replay (scenarios/validation/
// vllm_qwen3_30b_a3b_dp2ep2.yaml: 300 requests, DP2 + EP2, 48 layers), from the YAML file to the
// last token, as `moesim validate --suite serving` runs it minus the comparison. Goals: at most
// 5 s of wall time on the 2-core development machine (roadmap), at most 1 s (issue 13).
//
// Time/iteration is wall time in seconds. Counters: iterations = engine iterations simulated;
// routed_pairs_per_s = token-expert pairs routed per wall second (drawn per token, or stood for
// by per-expert counts drawn directly: docs/scenario.md, "Counts instead of choices").

#include <string>

#include <benchmark/benchmark.h>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_run.h"

namespace {

const std::string kScenario =
    std::string(MOESIM_SOURCE_DIR) + "/scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml";

void BM_ServingValidationReplay(benchmark::State& state) {
  uint64_t iterations = 0, pairs = 0;
  for (auto _ : state) {
    const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
    moesim::ServingRun run(moesim::load_scenario(kScenario, catalog), catalog);
    run.run();
    const auto& sim = run.simulation();
    iterations += sim.totals().iterations();
    pairs += sim.totals().tokens() * run.config().model.top_k * run.config().card->num_layers;
    benchmark::DoNotOptimize(sim.end_time());
  }
  state.counters["iterations"] =
      benchmark::Counter(static_cast<double>(iterations), benchmark::Counter::kAvgIterations);
  state.counters["routed_pairs_per_s"] =
      benchmark::Counter(static_cast<double>(pairs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ServingValidationReplay)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(3);

}  // namespace
