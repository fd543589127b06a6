#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/bounds/moe_lens_stage1.h"
#include "models/bounds/moe_lens_stage2.h"
#include "models/bounds/pme.h"

using namespace moesim;

namespace {

/// Mixtral 8x7B on a PCIe 4 host link: 46.7e9 bf16 parameters = 93.4e9 bytes; KV per token
/// 2 (K, V) x 32 layers x 8 KV heads x 128 x 2 bytes = 131072 bytes; 70 GB of host KV.
MoeLensStage1Inputs mixtral_stage1(double gpu_tokens_per_s) {
  MoeLensStage1Inputs in;
  in.model_bytes = 93.4e9;
  in.kv_bytes_per_token = 131072;
  in.kv_capacity_bytes = 70e9;
  in.host_link_bandwidth = 25e9;
  in.gpu_tokens_per_s = gpu_tokens_per_s;
  in.requests = {RequestClass{98, 32}};
  return in;
}

/// A small stage-2 case: 1e9 model bytes over 1e9 bytes/s (delta = 1 s) in 4 layers, 1000 KV
/// tokens (1e5 bytes at 100 bytes/token), one class p = 16, g = 16, blocks of 16, 64 requests.
MoeLensStage2Inputs small_stage2(double seconds_per_token, bool overlap) {
  MoeLensStage2Inputs in;
  in.stage1.model_bytes = 1e9;
  in.stage1.host_link_bandwidth = 1e9;
  in.stage1.kv_bytes_per_token = 100;
  in.stage1.kv_capacity_bytes = 1e5;
  in.stage1.gpu_tokens_per_s = 1;  // unused by stage 2
  in.stage1.requests = {RequestClass{16, 16}};
  in.layers = 4;
  in.request_pool = 64;
  in.block_tokens = 16;
  in.prefill_decode_overlap = overlap;
  in.gpu_layer = GpuTimeLine{0.05, seconds_per_token};
  return in;
}

}  // namespace

TEST_CASE("PME exact and closed form on a hand-checked sequence", "[bounds]") {
  // exact: (98 + 32) / ((32 + 1)(2*98 + 32) / 2) = 130 / (33 * 228 / 2) = 130 / 3762
  CHECK(pme_exact(98, 32) == Approx(130.0 / 3762).epsilon(1e-14));
  CHECK(pme_exact(98, 32) == Approx(0.0345561).epsilon(1e-6));
  // closed form: 2 (98 + 32) / (32 (2*98 + 32)) = 260 / (32 * 228) = 260 / 7296
  CHECK(pme_closed_form(98, 32) == Approx(260.0 / 7296).epsilon(1e-14));
  CHECK(pme_closed_form(98, 32) == Approx(0.0356360).epsilon(1e-6));
  // the closed form overstates by (g + 1) / g = 33 / 32, about 3%
  CHECK(pme_closed_form(98, 32) / pme_exact(98, 32) == Approx(33.0 / 32));
  // g = 0: a prompt-only request, (p + 0) / (1 * 2p / 2) = 1
  CHECK(pme_exact(98, 0) == Approx(1.0));
}

TEST_CASE("PME of a mix is a ratio of weighted sums", "[bounds]") {
  // (98, 32) weight 1 and (512, 256) weight 3:
  // numerator 1 * 130 + 3 * 768 = 2434
  // exact denominator 3762 + 3 * (257 * 1280 / 2 = 164480) = 497202
  // closed denominator 32 * 228 / 2 + 3 * (256 * 1280 / 2) = 3648 + 491520 = 495168
  const std::vector<RequestClass> mix{{98, 32, 1.0}, {512, 256, 3.0}};
  CHECK(pme_average(mix) == Approx(2434.0 / 497202));
  CHECK(pme_average_closed_form(mix) == Approx(2434.0 / 495168));
  // one class gives the single-sequence values
  const std::vector<RequestClass> one{{98, 32, 2.5}};
  CHECK(pme_average(one) == Approx(pme_exact(98, 32)));
  CHECK(pme_average_closed_form(one) == Approx(pme_closed_form(98, 32)));
}

TEST_CASE("PME rejects invalid requests", "[bounds]") {
  CHECK_THROWS_AS(pme_exact(-1, 32), std::invalid_argument);
  CHECK_THROWS_AS(pme_exact(0, 0), std::invalid_argument);
  CHECK_THROWS_AS(pme_closed_form(98, 0), std::invalid_argument);
  CHECK_THROWS_AS(pme_average({}), std::invalid_argument);
  const std::vector<RequestClass> negative{{98, 32, -1.0}};
  CHECK_THROWS_AS(pme_average(negative), std::invalid_argument);
  const std::vector<RequestClass> zero_weight{{98, 32, 0.0}};
  CHECK_THROWS_AS(pme_average(zero_weight), std::invalid_argument);
  const std::vector<RequestClass> no_output{{98, 0, 1.0}};
  CHECK_THROWS_AS(pme_average_closed_form(no_output), std::invalid_argument);
}

TEST_CASE("MoE-Lens stage 1 on Mixtral 8x7B, KV-capacity bound", "[bounds]") {
  // delta = 93.4e9 / 25e9 = 3.736 s; M = 70e9 / 131072 = 534057.6171875 tokens
  // T_io = PME M / delta = (130 / 3762) * 534057.6171875 / 3.736 = 4939.76 tokens/s
  const MoeLensStage1 s = moe_lens_stage1(mixtral_stage1(10000));
  CHECK(s.delta_s == Approx(3.736));
  CHECK(s.kv_tokens == Approx(534057.6171875));
  CHECK(s.pme == Approx(130.0 / 3762));
  CHECK(s.pme_closed_form == Approx(260.0 / 7296));
  CHECK(s.io_tokens_per_s == Approx(4939.7595).epsilon(1e-6));
  // T_max = min(4939.76, 10000): below T_GPU, so the KV capacity binds
  CHECK(s.max_tokens_per_s == Approx(s.io_tokens_per_s));
  CHECK(s.regime == MoeLensRegime::kKvCapacity);
  // M* = T_GPU delta / PME = 10000 * 3.736 * 3762 / 130 = 1081140.92 tokens (> M)
  CHECK(s.turning_kv_tokens == Approx(1081140.923).epsilon(1e-8));
  // B_KV = 70e9 / 3.736 = 18.7366e9 bytes/s; B_KV + B_IO = 43.7366e9 bytes/s
  CHECK(s.kv_scan_bandwidth == Approx(18.7366167e9));
  CHECK(s.host_memory_demand == Approx(43.7366167e9));
  // B_DDR and CPU FLOP/s left at 0: not checked
  CHECK_FALSE(s.host_memory_over);
  CHECK_FALSE(s.cpu_attention_over);
  CHECK(s.cpu_attention_s == 0);
}

TEST_CASE("MoE-Lens stage 1 on Mixtral 8x7B, GPU bound, with host checks", "[bounds]") {
  MoeLensStage1Inputs in = mixtral_stage1(2000);
  // attention FLOPs per cached token: 4 * 32 heads * 128 * 32 layers = 524288;
  // per iteration 524288 * 534057.6171875 = 2.8e11 FLOPs (= 70e9 bytes * 4 FLOP/byte)
  in.attention_flops_per_context_token = 4.0 * 32 * 128 * 32;
  in.cpu_attention_flops = 1e11;
  in.host_memory_bandwidth = 40e9;
  MoeLensStage1 s = moe_lens_stage1(in);
  // T_max = min(4939.76, 2000) = 2000, GPU bound
  CHECK(s.max_tokens_per_s == Approx(2000));
  CHECK(s.regime == MoeLensRegime::kGpu);
  // M* = 2000 * 3.736 * 3762 / 130 = 216228.18 tokens (< M)
  CHECK(s.turning_kv_tokens == Approx(216228.1846).epsilon(1e-8));
  // 43.74e9 bytes/s of host traffic over a 40e9 bytes/s DRAM
  CHECK(s.host_memory_over);
  // 2.8e11 / 1e11 = 2.8 s < delta = 3.736 s
  CHECK(s.cpu_attention_s == Approx(2.8));
  CHECK_FALSE(s.cpu_attention_over);

  in.cpu_attention_flops = 5e10;  // 5.6 s > 3.736 s
  in.host_memory_bandwidth = 100e9;
  s = moe_lens_stage1(in);
  CHECK(s.cpu_attention_s == Approx(5.6));
  CHECK(s.cpu_attention_over);
  CHECK_FALSE(s.host_memory_over);
}

TEST_CASE("MoE-Lens stage 1 rejects invalid inputs", "[bounds]") {
  const auto throws = [](auto change) {
    MoeLensStage1Inputs in = mixtral_stage1(2000);
    change(in);
    CHECK_THROWS_AS(moe_lens_stage1(in), std::invalid_argument);
  };
  throws([](MoeLensStage1Inputs& in) { in.host_link_bandwidth = -1; });
  throws([](MoeLensStage1Inputs& in) { in.kv_capacity_bytes = 0; });
  throws([](MoeLensStage1Inputs& in) { in.model_bytes = 0; });
  throws([](MoeLensStage1Inputs& in) { in.kv_bytes_per_token = 0; });
  throws([](MoeLensStage1Inputs& in) { in.gpu_tokens_per_s = 0; });
  throws([](MoeLensStage1Inputs& in) { in.host_memory_bandwidth = -1; });
  throws([](MoeLensStage1Inputs& in) { in.cpu_attention_flops = -1; });
  throws([](MoeLensStage1Inputs& in) { in.requests.clear(); });
}

TEST_CASE("Stage 2 helpers: overlap factor, paged held tokens, line fit", "[bounds]") {
  // Eq. 7: (98 + 256) / (98 + 128) = 354 / 226 = 1.566
  const std::vector<RequestClass> long_gen{{98, 256}};
  CHECK(prefill_decode_overlap_factor(long_gen) == Approx(354.0 / 226));
  CHECK(prefill_decode_overlap_factor(long_gen) == Approx(1.566).epsilon(1e-3));
  // p = 16, g = 16, b = 16: context 16 holds 16, contexts 17..32 hold 32 each:
  // (16 + 16 * 32) / 17 = 528 / 17 tokens per resident sequence
  const std::vector<RequestClass> small{{16, 16}};
  CHECK(held_tokens_per_sequence(small, 16) == Approx(528.0 / 17));
  // b = 1 is the exact sum: (g + 1)(2p + g) / 2 / (g + 1) = (32 + 16) / 2 = 24
  CHECK(held_tokens_per_sequence(small, 1) == Approx(24));
  // r = (16 + 16) / 17
  CHECK(parallel_tokens_per_sequence_step(small) == Approx(32.0 / 17));
  // samples on 0.05 + 0.002 n
  const std::vector<std::pair<double, double>> samples{{10, 0.07}, {50, 0.15}, {100, 0.25}};
  const GpuTimeLine line = fit_gpu_time_line(samples);
  CHECK(line.intercept_s == Approx(0.05));
  CHECK(line.seconds_per_token == Approx(0.002));
  const std::vector<std::pair<double, double>> one_x{{10, 0.07}, {10, 0.08}};
  CHECK_THROWS_AS(fit_gpu_time_line(one_x), std::invalid_argument);
  CHECK_THROWS_AS(fit_gpu_time_line({}), std::invalid_argument);
  CHECK_THROWS_AS(held_tokens_per_sequence(small, 0), std::invalid_argument);
}

TEST_CASE("MoE-Lens stage 2 on a small hand-checked case", "[bounds]") {
  // H = 528 / 17 = 31.0588; S = min(64, floor(1000 / 31.0588) = 32) = 32;
  // r = 32 / 17; S r = 60.235 tokens. t_L = 1 s / 4 = 0.25 s.
  SECTION("slope 0.002 s/token: sequence (KV) limited") {
    // n_real = (0.25 - 0.05) / 0.002 = 100 > 60.235, so n = 60.235
    // GPU time 4 (0.05 + 0.002 * 60.235) = 0.68188 s < delta = 1 s
    // iterations ceil(64 * 17 / 32) = 34; total 0.25 + 34 * 1 + 0.170471 = 34.420471 s
    // tokens/s = 64 * 32 / 34.420471 = 59.4995
    const MoeLensStage2 s = moe_lens_stage2(small_stage2(0.002, false));
    CHECK(s.overlap_factor == 1);
    CHECK(s.effective_kv_tokens == Approx(1000));
    CHECK(s.concurrent_sequences == 32);
    CHECK(s.saturation_tokens == Approx(100));
    CHECK(s.tokens_per_iteration == Approx(32.0 * 32 / 17));
    CHECK(s.iteration_s == Approx(1));
    CHECK(s.io_tokens_per_s == Approx(60.23529));
    CHECK(s.gpu_tokens_per_s == Approx(60.23529 / 0.6818824));
    CHECK(s.iterations == 34);
    CHECK(s.prologue_s == Approx(0.25));
    CHECK(s.epilogue_s == Approx(0.1704706));
    CHECK(s.total_s == Approx(34.4204706));
    CHECK(s.tokens_per_s == Approx(59.49948));
    CHECK(s.regime == MoeLensRegime::kKvCapacity);
  }
  SECTION("slope 0.004 s/token: saturation (GPU) limited") {
    // n_real = 0.2 / 0.004 = 50 < 60.235, n = 50; GPU time 4 (0.05 + 0.2) = 1 s = delta
    // steps per iteration 50 / (32/17) = 26.5625; iterations ceil(1088 / 26.5625 = 40.96) = 41
    // total 0.25 + 41 + 0.25 = 41.5 s; tokens/s 2048 / 41.5 = 49.3494
    const MoeLensStage2 s = moe_lens_stage2(small_stage2(0.004, false));
    CHECK(s.tokens_per_iteration == Approx(50));
    CHECK(s.iterations == 41);
    CHECK(s.total_s == Approx(41.5));
    CHECK(s.tokens_per_s == Approx(2048 / 41.5));
    CHECK(s.regime == MoeLensRegime::kGpu);
  }
  SECTION("intercept above the layer transfer: no saturation point, no cap") {
    // intercept 0.3 s > t_L = 0.25 s: n_real = 0, n = S r = 60.235 uncapped;
    // GPU time 4 (0.3 + 0.002 * 60.235) = 1.68188 s > delta; iterations 34
    MoeLensStage2Inputs in = small_stage2(0.002, false);
    in.gpu_layer.intercept_s = 0.3;
    const MoeLensStage2 s = moe_lens_stage2(in);
    CHECK(s.saturation_tokens == 0);
    CHECK(s.tokens_per_iteration == Approx(32.0 * 32 / 17));
    CHECK(s.iteration_s == Approx(1.6818824));
    CHECK(s.iterations == 34);
    CHECK(s.regime == MoeLensRegime::kGpu);
  }
  SECTION("overlap on") {
    // f = 32 / (16 + 8) = 4/3; M_eff = 1333.33; S = floor(1333.33 * 17 / 528 = 42.93) = 42
    // n = 42 * 32 / 17 = 79.0588 < 100; iterations ceil(1088 / 42 = 25.9) = 26
    // total 0.25 + 26 + (0.05 + 0.002 * 79.0588) = 26.4581 s; tokens/s 2048 / 26.4581 = 77.405
    const MoeLensStage2 s = moe_lens_stage2(small_stage2(0.002, true));
    CHECK(s.overlap_factor == Approx(4.0 / 3));
    CHECK(s.effective_kv_tokens == Approx(4000.0 / 3));
    CHECK(s.concurrent_sequences == 42);
    CHECK(s.iterations == 26);
    CHECK(s.total_s == Approx(26.4581176));
    CHECK(s.tokens_per_s == Approx(2048 / 26.4581176));
  }
  SECTION("a small pool fits in one wave") {
    // K = 8 < 32: S = 8, iterations ceil(8 * 17 / 8) = 17
    MoeLensStage2Inputs in = small_stage2(0.002, false);
    in.request_pool = 8;
    const MoeLensStage2 s = moe_lens_stage2(in);
    CHECK(s.concurrent_sequences == 8);
    CHECK(s.iterations == 17);
  }
}

TEST_CASE("MoE-Lens stage 2 with 1-token blocks matches stage 1's PME M", "[bounds]") {
  // b = 1, no overlap, an unbounded pool and a fast GPU: n = floor(M / H) r, and with 1-token
  // blocks r / H = [(p + g) / (g + 1)] / [(2p + g) / 2] = PME, so n = PME M up to the floor.
  // M = 1e7, H = 24, S = floor(1e7 / 24) = 416666, n = 416666 * 32 / 17 = 784312.5
  // (n_real = 0.2 / 1e-9 = 2e8 does not bind)
  MoeLensStage2Inputs in = small_stage2(1e-9, false);
  in.stage1.kv_capacity_bytes = 1e9;  // M = 1e7 tokens
  in.block_tokens = 1;
  in.request_pool = 1'000'000'000;
  const MoeLensStage2 s2 = moe_lens_stage2(in);
  in.stage1.gpu_tokens_per_s = 1e12;
  const MoeLensStage1 s1 = moe_lens_stage1(in.stage1);
  CHECK(s2.tokens_per_iteration == Approx(s1.pme * s1.kv_tokens).epsilon(1e-5));
}

TEST_CASE("MoE-Lens stage 2 never beats stage 1", "[bounds]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int trial = 0; trial < 300; ++trial) {
    MoeLensStage2Inputs in;
    in.stage1.model_bytes = 1e9 + unit(rng) * 1e11;
    in.stage1.host_link_bandwidth = 1e9 + unit(rng) * 5e10;
    in.stage1.kv_bytes_per_token = 1e4 + unit(rng) * 2e5;
    in.stage1.requests = {RequestClass{1 + unit(rng) * 2000,
                                       1 + static_cast<uint64_t>(unit(rng) * 500), 0.1 + unit(rng)},
                          RequestClass{1 + unit(rng) * 500,
                                       1 + static_cast<uint64_t>(unit(rng) * 64), 0.1 + unit(rng)}};
    in.layers = 1 + static_cast<uint32_t>(unit(rng) * 80);
    in.request_pool = 1 + static_cast<uint64_t>(unit(rng) * 20000);
    in.block_tokens = 1 + static_cast<uint32_t>(unit(rng) * 32);
    in.gpu_layer = GpuTimeLine{unit(rng) * 0.02, 1e-7 + unit(rng) * 1e-4};
    in.prefill_decode_overlap = trial % 2 == 0;
    const double held = held_tokens_per_sequence(in.stage1.requests, in.block_tokens);
    in.stage1.kv_capacity_bytes = in.stage1.kv_bytes_per_token * held * (1 + unit(rng) * 5000);
    const MoeLensStage2 s2 = moe_lens_stage2(in);
    // stage 1 on the same GPU line's peak: T_GPU = 1 / (layers * slope); with overlap, on the
    // effective capacity of Eq. 7 (stage 1 has no overlap)
    in.stage1.gpu_tokens_per_s = 1 / (in.layers * in.gpu_layer.seconds_per_token);
    in.stage1.kv_capacity_bytes *= s2.overlap_factor;
    const MoeLensStage1 s1 = moe_lens_stage1(in.stage1);
    INFO("trial " << trial);
    CHECK(s2.tokens_per_s <= s1.max_tokens_per_s * (1 + 1e-12));
    CHECK(s2.tokens_per_iteration <= s1.pme * s1.kv_tokens * (1 + 1e-12));
  }
}

TEST_CASE("MoE-Lens stage 2 rejects invalid inputs", "[bounds]") {
  const auto throws = [](auto change) {
    MoeLensStage2Inputs in = small_stage2(0.002, true);
    change(in);
    CHECK_THROWS_AS(moe_lens_stage2(in), std::invalid_argument);
  };
  throws([](MoeLensStage2Inputs& in) { in.layers = 0; });
  throws([](MoeLensStage2Inputs& in) { in.request_pool = 0; });
  throws([](MoeLensStage2Inputs& in) { in.block_tokens = 0; });
  throws([](MoeLensStage2Inputs& in) { in.gpu_layer.seconds_per_token = 0; });
  throws([](MoeLensStage2Inputs& in) { in.gpu_layer.intercept_s = -1; });
  throws([](MoeLensStage2Inputs& in) { in.stage1.host_link_bandwidth = -1; });
  throws([](MoeLensStage2Inputs& in) { in.stage1.kv_capacity_bytes = 0; });
  throws([](MoeLensStage2Inputs& in) { in.stage1.requests.clear(); });
  // 1000 bytes = 10 tokens, less than one sequence's 31 held tokens
  throws([](MoeLensStage2Inputs& in) { in.stage1.kv_capacity_bytes = 1000; });
}
