// The MoE latency floor of a backend's own tables (OperatorTables::moe_floor_us) and its use as
// the least time of a transferred MoE shape (DatabaseOperatorTimer::experts).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/cost_model/operator_tables.h"
#include "models/engine/serving/database_operator_timer.h"
#include "models/model_card_loader.h"
#include "support/operator_table_files.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

const moesim::OperatorTables& shipped(const std::string& backend) {
  static const auto vllm = moesim::OperatorTables::load(
      source_path("topologies/measured/operators/h100_sxm/vllm_0.19.0"));
  static const auto trtllm = moesim::OperatorTables::load(
      source_path("topologies/measured/operators/h100_sxm/trtllm_1.3.0rc10"));
  return backend == "vllm" ? vllm : trtllm;
}

/// The catalogue card `name` on vLLM at MoE TP `tp` on `gpu` (the tables were measured on
/// H100-SXM); MXFP4 experts borrow TRT-LLM's kernel.
moesim::DatabaseOperatorTimer on_vllm(const std::string& name, uint32_t tp,
                                      const std::string& gpu) {
  const auto catalogue = moesim::load_hardware_catalogue(moesim::default_catalogue_dir());
  const moesim::ModelCard card =
      moesim::load_model_card(source_path("models/catalogue/" + name + ".yaml"));
  moesim::ParallelLayout layout;
  layout.tensor_parallel = tp;
  return moesim::DatabaseOperatorTimer({card,
                                        catalogue.gpu(gpu),
                                        catalogue.gpu("H100-SXM"),
                                        layout,
                                        moesim::Dtype::kBf16,
                                        {},
                                        &shipped("trtllm"),
                                        "trtllm"},
                                       shipped("vllm"));
}

/// gpt-oss-120b (MXFP4 experts) on vLLM: its MoE shape is not in the tables (transferred).
moesim::DatabaseOperatorTimer gpt_oss_on_vllm(uint32_t tp, const std::string& gpu) {
  return on_vllm("gpt-oss-120b", tp, gpu);
}

/// `tokens` tokens of top-4 routing spread one pair per expert over gpt-oss's 128 experts.
std::vector<uint64_t> spread_pairs(uint64_t tokens) {
  std::vector<uint64_t> per_expert(128, 0);
  for (uint64_t pair = 0; pair < 4 * tokens; ++pair) ++per_expert[pair % 128];
  return per_expert;
}

}  // namespace

TEST_CASE("the MoE floor is the fastest first point of any balanced shape at that split",
          "[operator_database]") {
  TempDir dir("moe_floor");
  moesim::test::write_operator_tables(
      dir.path(), "bfloat16,1,1000,1000,0.01\n",
      // Split TP2 x EP1: two shapes whose first points take 30 and 25 us; a power-law row
      // and a later point are faster but are not a balanced first point.
      "bfloat16,balanced,2,8,1024,512,2,1,1,0.030\n"
      "bfloat16,balanced,2,8,1024,512,2,1,64,0.080\n"
      "fp8,balanced,4,16,2048,512,2,1,4,0.025\n"
      "fp8,balanced,4,16,2048,512,2,1,64,0.020\n"
      "fp8,power_law_1.2,4,16,2048,512,2,1,1,0.001\n"
      // Split TP1 x EP1: one shape.
      "bfloat16,balanced,2,8,1024,512,1,1,1,0.040\n");
  const auto tables = moesim::OperatorTables::load(dir.path());
  REQUIRE(tables.moe_floor_us(2, 1));
  CHECK(*tables.moe_floor_us(2, 1) == Approx(25));
  CHECK(*tables.moe_floor_us(1, 1) == Approx(40));
  CHECK_FALSE(tables.moe_floor_us(4, 1));
  CHECK_FALSE(tables.moe_floor_us(1, 2));
}

TEST_CASE("a transferred MoE time is no less than the backend's own floor on the tables' GPU",
          "[operator_database]") {
  const double floor_tp8 = shipped("vllm").moe_floor_us(8, 1).value();
  // vLLM's own MoE kernels never measure under about 20 us at MoE TP8 on H100.
  CHECK(floor_tp8 > 20);
  CHECK(floor_tp8 < 40);

  // TP8, 4 tokens: the 32-expert kernel's time scaled to an eighth of each expert falls below
  // the floor, which it takes; the summary counts it.
  const auto tp8 = gpt_oss_on_vllm(8, "H100-SXM");
  CHECK(tp8.experts(spread_pairs(4), 8) == Approx(floor_tp8));
  CHECK(tp8.counts().transferred == 1);
  CHECK(tp8.counts().at_moe_floor == 1);
  CHECK_THAT(tp8.summary(),
             Catch::Matchers::Contains("1 MoE times raised to this backend's MoE floor at MoE "
                                       "TP8 x EP1"));

  // TP2, 64 tokens: the whole experts' weights, well above the floor: untouched.
  const auto tp2 = gpt_oss_on_vllm(2, "H100-SXM");
  CHECK(tp2.experts(spread_pairs(64), 2) > 3 * shipped("vllm").moe_floor_us(2, 1).value());
  CHECK(tp2.counts().transferred == 1);
  CHECK(tp2.counts().at_moe_floor == 0);

  // H200 has H100's SMs and clocks (the same tensor-core peaks): the same floor, though its
  // faster HBM moves the transferred time further below it.
  const auto h200 = gpt_oss_on_vllm(8, "H200");
  CHECK(h200.experts(spread_pairs(4), 8) == Approx(floor_tp8));
  CHECK(h200.counts().at_moe_floor == 1);

  // On a GPU of other compute the floor is not known (it was measured on H100): no floor.
  const auto b200 = gpt_oss_on_vllm(8, "B200");
  CHECK(b200.experts(spread_pairs(4), 8) < floor_tp8);
  CHECK(b200.counts().at_moe_floor == 0);
  CHECK_THAT(b200.summary(), !Catch::Matchers::Contains("raised to this backend's MoE floor"));
}

TEST_CASE("a measured MoE shape moved to H200 keeps the floor, on H100 it is as measured",
          "[operator_database]") {
  // Qwen3-30B-A3B's own shape (bf16, 128 experts, top-8, 2048 x 768) is in vLLM's tables at MoE
  // TP4. One token: on H100 the measured time, no floor; on H200 the faster HBM scales it
  // below the floor, which it takes.
  const double floor_tp4 = shipped("vllm").moe_floor_us(4, 1).value();
  std::vector<uint64_t> one_token(128, 0);
  for (size_t e = 0; e < 8; ++e) one_token[e * 16] = 1;
  const auto h100 = on_vllm("Qwen3-30B-A3B", 4, "H100-SXM");
  const double measured = h100.experts(one_token, 4);
  CHECK(h100.counts().transferred == 0);
  CHECK(h100.counts().at_moe_floor == 0);
  CHECK(measured >= floor_tp4);
  const auto h200 = on_vllm("Qwen3-30B-A3B", 4, "H200");
  CHECK(h200.experts(one_token, 4) == Approx(floor_tp4));
  CHECK(h200.counts().transferred == 0);
  CHECK(h200.counts().at_moe_floor == 1);

  // Eight pairs on one expert read one expert's weights: on H100 the routing's ratio takes the
  // measured time below the floor, which it keeps (measured, not scaled); on H200 the floored
  // balanced time takes the same ratio, so H200 is never slower than H100.
  std::vector<uint64_t> piled(128, 0);
  piled[0] = 8;
  const auto h100_piled = on_vllm("Qwen3-30B-A3B", 4, "H100-SXM");
  const double h100_us = h100_piled.experts(piled, 4);
  CHECK(h100_us < floor_tp4);
  CHECK(h100_piled.counts().at_moe_floor == 0);
  const auto h200_piled = on_vllm("Qwen3-30B-A3B", 4, "H200");
  CHECK(h200_piled.experts(piled, 4) <= h100_us);
  CHECK_THAT(h200.summary(), Catch::Matchers::Contains("1 MoE times raised to this backend's "
                                                       "MoE floor at MoE TP4 x EP1"));
}
