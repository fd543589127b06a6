// The property every serving run keeps: it does no better than its hardware limit
// (cli/app/serving_bound.h), over a seeded sweep of random small configurations run with both
// the roofline and the operator-database cost model.

#include <random>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_bound.h"
#include "cli/app/serving_run.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

namespace {

using moesim::test::TempDir;

struct RandomServing {
  std::string yaml;
  std::string cost_model;
};

template <class T, size_t N>
const T& pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

uint64_t between(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}

/// A small serving scenario: a catalogue MoE card on one node, a random layout, closed loop
/// of a few short requests, uniform or Zipf routing, either cost model.
RandomServing random_serving(std::mt19937_64& rng, bool database) {
  static const char* const kCards[] = {"OLMoE-1B-7B", "Qwen3-30B-A3B", "DeepSeek-V2-Lite",
                                       "Mixtral-8x7B"};
  static const char* const kSystems[] = {"h100_hgx", "a100_hgx"};
  static const char* const kBackends[] = {"vllm", "trtllm", "sglang"};
  const uint64_t tp = between(rng, 0, 1) ? 2 : 1;
  const uint64_t dp = between(rng, 0, 1) ? 2 : 1;
  const bool ep = between(rng, 0, 1) == 1;
  const std::string routing =
      between(rng, 0, 1) ? "generator: uniform"
                         : fmt::format("generator: zipf\n  skew: {:.2f}",
                                       std::uniform_real_distribution<double>(0.2, 2.0)(rng));
  const std::string cost =
      database ? fmt::format("{{name: operator_database, backend: {}, tables: h100_sxm}}",
                             pick(rng, kBackends))
               : "roofline";
  // The roofline serving model reads its efficiencies from the operator cost model.
  const std::string efficiency = fmt::format(
      "strategies:\n  cost_model: {{name: roofline, compute_efficiency: {:.2f}, "
      "memory_efficiency: {:.2f}}}\n",
      std::uniform_real_distribution<double>(0.3, 1.0)(rng),
      std::uniform_real_distribution<double>(0.3, 1.0)(rng));
  RandomServing s;
  s.cost_model = database ? "operator_database" : "roofline";
  s.yaml = fmt::format(
      "name: random_serving\nseed: {}\nmodel:\n  card: {}\nhardware:\n  system: {}\n"
      "workload:\n  closed_loop:\n    concurrency: {}\n    requests: {}\n    input_tokens: {}\n"
      "    output_tokens: {}\nrouting:\n  {}\nserving:\n  scheduler: vllm_v1\n"
      "  max_num_seqs: {}\n  max_num_batched_tokens: {}\n  tensor_parallel: {}\n"
      "  data_parallel: {}\n  moe_expert_parallel: {}\n  cost_model: {}\n{}",
      between(rng, 0, 1000), pick(rng, kCards), pick(rng, kSystems), between(rng, 1, 16),
      between(rng, 2, 12), between(rng, 8, 600), between(rng, 1, 24), routing, between(rng, 1, 32),
      between(rng, 256, 4096), tp, dp, ep ? tp * dp : 1, cost, efficiency);
  return s;
}

}  // namespace

TEST_CASE("no serving run beats its bound: 200 random small configurations, both cost models",
          "[bounds][serving]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  std::mt19937_64 rng(20261207);
  TempDir dir("bound-property");
  int runs[2] = {0, 0};  // roofline, operator_database
  int attempts = 0;
  while (runs[0] + runs[1] < 200) {
    REQUIRE(++attempts < 1000);  // a layout the memory plan refuses is drawn again
    const bool database = runs[1] < runs[0];
    const RandomServing s = random_serving(rng, database);
    const auto path = dir / fmt::format("s{}.yaml", attempts);
    moesim::test::write_text(path, s.yaml);
    INFO(s.yaml);
    std::unique_ptr<moesim::ServingRun> run;
    try {
      run = std::make_unique<moesim::ServingRun>(moesim::load_scenario(path.string(), catalog, {}),
                                                 catalog);
    } catch (const moesim::ConfigError&) {
      continue;  // does not fit the GPUs: not a run
    }
    run->run();
    const moesim::RunBound b = moesim::run_bound(*run, true);
    CHECK(b.throughput_fraction() > 0.0);
    CHECK(b.throughput_fraction() <= 1.0 + 1e-9);
    CHECK(b.step_fraction() > 0.0);
    CHECK(b.step_fraction() <= 1.0 + 1e-9);
    ++runs[database ? 1 : 0];
  }
  CHECK(runs[0] == 100);
  CHECK(runs[1] == 100);
}
