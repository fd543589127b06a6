// The MoE block cost models behind one interface: each depends on the active experts and
// their token counts, not only on the total.

#include <vector>

#include <catch2/catch.hpp>

#include "models/cost_model/expert_load_cost.h"
#include "models/cost_model/profiled_moe_block_cost.h"
#include "models/cost_model/roofline_moe_block_cost.h"
#include "support/scenario_files.h"

using namespace moesim;

namespace {

MoeLayerShape mixtral() {
  MoeLayerShape s;
  s.hidden_size = 4096;
  s.expert_ffn_size = 14336;
  s.num_experts = 8;
  s.top_k = 2;
  s.dtype = Dtype::kBf16;
  return s;
}

GpuSpec h100() {
  GpuSpec g;
  g.name = "H100";
  g.peak_flops = 989e12;
  g.memory_bandwidth = 3.35e12;
  return g;
}

}  // namespace

TEST_CASE("the roofline MoE block adds one kernel per active expert", "[cost]") {
  RooflineConfig config;
  config.kernel_overhead = Time::us(5);
  const RooflineMoeBlockCost cost(mixtral(), h100(), config);
  // One token on one expert is memory-bound: 3 x 4096 x 14336 x 2 B of weights plus two
  // token vectors (16 KiB) read at 3.35 TB/s = 105.2 us, plus the 5 us kernel overhead.
  const double one = (3.0 * 4096 * 14336 * 2 + 2.0 * 4096 * 2) / 3.35e12 * 1e6 + 5;
  CHECK(cost.block_us(std::vector<uint64_t>{1, 0, 0, 0, 0, 0, 0, 0}) == Approx(one).epsilon(1e-6));
  // The same two tokens on two experts read twice the weights.
  CHECK(cost.block_us(std::vector<uint64_t>{1, 1, 0, 0, 0, 0, 0, 0}) ==
        Approx(2 * one).epsilon(1e-6));
  // 4096 tokens on one expert are compute-bound: 6 x 4096 x 4096 x 14336 FLOPs at 989 TFLOP/s.
  const double big = 6.0 * 4096 * 4096 * 14336 / 989e12 * 1e6 + 5;
  CHECK(cost.block_us(std::vector<uint64_t>{4096, 0, 0, 0, 0, 0, 0, 0}) ==
        Approx(big).epsilon(1e-6));
  CHECK(cost.block_us(std::vector<uint64_t>(8, 0)) == 0.0);
}

TEST_CASE("the profiled MoE block looks up pairs per top_k and active experts", "[cost]") {
  const LayerProfile profile =
      LayerProfile::load(test::source_path("models/profiles/rtxpro6000_qwen3_30b_a3b_tp1"));
  const ProfiledMoeBlockCost cost(profile, 8);
  // 16 tokens x 8 choices spread over 128 experts: the measured (16, 128) point.
  CHECK(cost.block_us(std::vector<uint64_t>(128, 1)) == Approx(817.612));
  // The same 128 pairs on 16 experts: the measured (16, 16) point, far cheaper.
  std::vector<uint64_t> concentrated(128, 0);
  for (size_t e = 0; e < 16; ++e) concentrated[e] = 8;
  CHECK(cost.block_us(concentrated) == Approx(131.082));
  CHECK_THROWS_AS(ProfiledMoeBlockCost(profile, 0), std::invalid_argument);
}

TEST_CASE("the expert load fit serves through the same interface", "[cost]") {
  const ExpertLoadCost fit(20, 10, 0.5);
  const MoeBlockCostModel& model = fit;
  CHECK(model.block_us(std::vector<uint64_t>{4, 0, 6}) == Approx(20 + 2 * 10 + 10 * 0.5));
}

TEST_CASE("per-operator roofline efficiencies apply to their operator only", "[cost]") {
  RooflineConfig config;
  config.per_operator[OpKind::kExpert] = RooflineEfficiency{0.5, 0.25};
  const RooflineCostModel roofline(config);
  const GpuSpec gpu = h100();
  // Memory-bound expert work at a quarter of the bandwidth takes four times as long.
  const OpCost expert{1.0, 3.35e12, OpKind::kExpert};
  CHECK(roofline.op_time(expert, gpu).seconds() == Approx(4.0));
  const OpCost router{1.0, 3.35e12, OpKind::kRouter};
  CHECK(roofline.op_time(router, gpu).seconds() == Approx(1.0));
  config.per_operator[OpKind::kRouter] = RooflineEfficiency{0.5, 0.0};
  CHECK_THROWS_AS(RooflineCostModel(config), std::invalid_argument);
}
