// The quickstart layer forward: its stage times must follow from the inputs. Each expected
// value is computed here from the scenario's figures, independently of the model's formulas.

#include <algorithm>
#include <numeric>

#include <catch2/catch.hpp>

#include "cli/app/layer_simulation.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/strategy_loader.h"
#include "support/scenario_files.h"

using moesim::LayerSimulation;
using moesim::LayerStage;
using moesim::ScenarioConfig;
using moesim::Time;

namespace {

/// Durations become whole picoseconds, rounded up once per task or re-rate: a few ps at most.
constexpr double kRounding = 5e-12;

ScenarioConfig quickstart_config() {
  return moesim::load_scenario(moesim::test::source_path("scenarios/quickstart.yaml").string(),
                               moesim::builtin_strategies());
}

Time stage_time(const LayerSimulation& sim, LayerStage stage) {
  for (const auto& s : sim.forward().result().stages) {
    if (s.stage == stage) return s.end - s.start;
  }
  FAIL("stage did not run");
  return Time::zero();
}

/// Roofline time of one SwiGLU expert over `tokens` tokens on an H100 of the quickstart:
/// 3 GEMMs of 2*T*H*F FLOPs at 989 TFLOP/s, or 3*H*F bf16 weights plus T token vectors read
/// and written at 3.35 TB/s, whichever is longer.
double expert_roofline_s(double tokens) {
  const double h = 4096, f = 14336, bytes_per_elem = 2;
  const double flops = 3 * 2 * tokens * h * f;
  const double bytes = 3 * h * f * bytes_per_elem + 2 * tokens * h * bytes_per_elem;
  return std::max(flops / 989e12, bytes / 3.35e12);
}

/// Most bytes any single link carries in dispatch: a rank's up-link carries all it sends, its
/// down-link all it receives.
double busiest_link_bytes(const moesim::LayerForwardResult& r) {
  double worst = 0.0;
  for (size_t a = 0; a < r.dispatch_bytes.size(); ++a) {
    double sent = 0.0, received = 0.0;
    for (size_t b = 0; b < r.dispatch_bytes.size(); ++b) {
      sent += r.dispatch_bytes[a][b];
      received += r.dispatch_bytes[b][a];
    }
    worst = std::max({worst, sent, received});
  }
  return worst;
}

}  // namespace

TEST_CASE("balanced dispatch takes exactly bytes / bandwidth + two hops", "[quickstart]") {
  ScenarioConfig cfg = quickstart_config();
  cfg.routing = {"round_robin", {}};  // token t picks experts t and t+1 (mod 8)
  LayerSimulation sim(cfg, moesim::builtin_strategies());
  sim.run();
  const auto& r = sim.forward().result();
  // Home rank a holds tokens 512a..512a+511; of each 8 consecutive tokens, 2 pick expert b
  // (residues b and b-1), so rank a sends 512/8*2 = 128 tokens of 4096 x 2 B = 1 MiB to each of
  // the 7 other ranks.
  for (size_t a = 0; a < 8; ++a) {
    for (size_t b = 0; b < 8; ++b) CHECK(r.dispatch_bytes[a][b] == (a == b ? 0.0 : 1048576.0));
  }
  // Every NVLink up- and down-link carries 7 MiB shared by 7 equal flows at 450 GB/s, after
  // GPU -> NVSwitch -> GPU latency of 2 x 235 ns: 0.47 us + 7 * 2^20 B / 450e9 B/s = 16.78 us.
  const double expected_s = 0.47e-6 + 7.0 * 1048576.0 / 450e9;
  CHECK(stage_time(sim, LayerStage::kDispatch).seconds() ==
        Approx(expected_s).epsilon(0).margin(kRounding));
  // Combine sends the transpose: the same time.
  CHECK(stage_time(sim, LayerStage::kCombine) == stage_time(sim, LayerStage::kDispatch));
}

TEST_CASE("quickstart dispatch is bounded by its busiest link", "[quickstart]") {
  LayerSimulation sim(quickstart_config(), moesim::builtin_strategies());
  sim.run();
  const auto& r = sim.forward().result();
  // Lower bound: the busiest link must carry its bytes at 450 GB/s after 0.47 us of latency.
  const double bound_s = 0.47e-6 + busiest_link_bytes(r) / 450e9;
  const double dispatch_s = stage_time(sim, LayerStage::kDispatch).seconds();
  CHECK(dispatch_s >= bound_s * (1 - 1e-9));
  // Max-min sharing is not makespan-optimal, but through one switch with near-uniform traffic
  // it stays within a few percent of the bound.
  CHECK(dispatch_s <= bound_s * 1.05);
  // Each token travels once to each remote rank among its experts: its 2 distinct experts live
  // on 2 distinct ranks, at most one of them its home, so it sends 1 or 2 copies of 8 KiB.
  double total = 0.0;
  for (const auto& row : r.dispatch_bytes) total = std::accumulate(row.begin(), row.end(), total);
  CHECK(total <= 4096.0 * 2 * 8192);
  CHECK(total >= 4096.0 * 1 * 8192);
}

TEST_CASE("expert stage equals the roofline of the most loaded GPU", "[quickstart]") {
  LayerSimulation sim(quickstart_config(), moesim::builtin_strategies());
  sim.run();
  const auto& r = sim.forward().result();
  // Top-2 of 4096 tokens: 8192 selections in all.
  CHECK(std::accumulate(r.tokens_per_expert.begin(), r.tokens_per_expert.end(), uint64_t{0}) ==
        8192);
  // One expert per GPU (contiguous, 8 on 8): the stage lasts as long as the busiest expert.
  const uint64_t max_tokens =
      *std::max_element(r.tokens_per_expert.begin(), r.tokens_per_expert.end());
  const double expected_s = expert_roofline_s(static_cast<double>(max_tokens));
  // Compute-bound at ~1000 tokens: 6*T*H*F / 989e12 is about 380 us.
  CHECK(expected_s > 3e-4);
  CHECK(stage_time(sim, LayerStage::kExperts).seconds() ==
        Approx(expected_s).epsilon(0).margin(kRounding));
  // Each GPU's busy time is its expert's roofline plus its router and reduce work.
  for (uint32_t rank = 0; rank < 8; ++rank) {
    CHECK(sim.gpus()[rank].stream(0).busy().seconds() >=
          expert_roofline_s(static_cast<double>(r.tokens_per_expert[rank])));
  }
}

TEST_CASE("a small batch makes the experts memory-bound", "[quickstart]") {
  ScenarioConfig cfg = quickstart_config();
  cfg.tokens = 64;
  cfg.routing = {"round_robin", {}};  // 64 tokens x 2 choices: 16 tokens per expert
  LayerSimulation sim(cfg, moesim::builtin_strategies());
  sim.run();
  // 16 tokens: 3 * 4096 * 14336 * 2 B of weights (352 MB) at 3.35 TB/s, about 105 us, far
  // above the 16-token compute time of about 6 us.
  const double weights_s = (3.0 * 4096 * 14336 * 2 + 2.0 * 16 * 4096 * 2) / 3.35e12;
  CHECK(stage_time(sim, LayerStage::kExperts).seconds() ==
        Approx(weights_s).epsilon(0).margin(kRounding));
}

TEST_CASE("stages run back to back and the total is their sum", "[quickstart]") {
  LayerSimulation sim(quickstart_config(), moesim::builtin_strategies());
  sim.run();
  const auto& r = sim.forward().result();
  REQUIRE(r.stages.size() == 5);
  Time sum = Time::zero();
  for (size_t i = 0; i < r.stages.size(); ++i) {
    // Bulk-synchronous: each stage starts when the previous one ends.
    if (i > 0) CHECK(r.stages[i].start == r.stages[i - 1].end);
    sum += r.stages[i].end - r.stages[i].start;
  }
  CHECK(r.end - r.start == sum);
  // Router: 2*T*H*E FLOPs for 512 tokens per GPU, memory-bound on reading 512 token vectors
  // and the 4096 x 8 router weights: (8*4096*2 + 512*4096*2 + 512*8*4) B / 3.35 TB/s.
  const double router_s = (8.0 * 4096 * 2 + 512.0 * 4096 * 2 + 512.0 * 8 * 4) / 3.35e12;
  CHECK(stage_time(sim, LayerStage::kRouter).seconds() ==
        Approx(router_s).epsilon(0).margin(kRounding));
}

TEST_CASE("every dispatched byte crosses two NVLink links and no PCIe", "[quickstart]") {
  LayerSimulation sim(quickstart_config(), moesim::builtin_strategies());
  sim.run();
  const auto& r = sim.forward().result();
  double dispatched = 0.0;
  for (const auto& row : r.dispatch_bytes) {
    dispatched = std::accumulate(row.begin(), row.end(), dispatched);
  }
  // Dispatch and combine move the same bytes, each over two NVLink links (GPU to NVSwitch, and
  // NVSwitch to GPU); nothing crosses PCIe.
  double nvlink = 0.0, other = 0.0;
  const auto& net = sim.network();
  for (moesim::LinkId l = 0; l < net.link_count(); ++l) {
    (net.link(l).link_class == "nvlink" ? nvlink : other) += net.bytes_carried(l);
  }
  CHECK(nvlink == Approx(2 * 2 * dispatched));
  CHECK(other == 0.0);
  CHECK(net.active_flows() == 0);
}

TEST_CASE("the layer forward splits a replicated expert's tokens over its replicas",
          "[quickstart][placement]") {
  ScenarioConfig cfg = quickstart_config();
  cfg.routing = {"round_robin", {}};  // every expert gets 4096 x 2 / 8 = 1024 tokens
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  // 8 experts + 8 redundant = 16 slots on 8 GPUs: every expert on two GPUs.
  cfg.placement = moesim::default_strategy(catalog.placement, "eplb");
  cfg.placement.params.set(*catalog.placement.find_info("eplb")->param("redundant"), uint64_t{8});
  LayerSimulation sim(cfg, catalog);
  for (uint32_t e = 0; e < 8; ++e) CHECK(sim.placement().ranks_of_expert[e].size() == 2);
  sim.run();
  const auto& r = sim.forward().result();
  // Round robin over two replicas: each computes 512 of an expert's 1024 tokens, so every GPU
  // computes 2 x 512 = 1024 expert tokens, 8192 in all (each token once, not once per replica).
  for (uint32_t rank = 0; rank < 8; ++rank) CHECK(r.expert_tokens_per_rank[rank] == 1024);
}
