// Hand-checked facts of the serving hardware limit (models/bounds/serving_roofline_bound.h):
// the KV batch, the arrival rate, how each term scales with the GPU, the tensor-parallel and
// pipeline network bytes, the host-link term, bad inputs, and the mean step of a one-step run.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/bounds/serving_roofline_bound.h"
#include "support/layer_cards.h"
#include "support/machines.h"

using namespace moesim;

namespace {

/// Qwen3-30B-A3B (48 layers, all MoE, hidden 2048, 128 experts top-8, bf16) on one H100 SXM
/// (989e12 bf16 FLOP/s, 3.35e12 bytes/s of HBM).
ServingDeployment one_h100() {
  ServingDeployment d;
  d.card = test::catalogue_card("Qwen3-30B-A3B");
  d.gpu = test::shipped_catalogue().gpu("H100-SXM");
  d.gpu.peak_flops = d.gpu.peak_flops_by_dtype.at("bf16");  // as a scenario fills it
  return d;
}

/// 100 requests of 99 prompt and 100 output tokens, closed loop (no arrival span).
RequestMix hundred_requests() {
  RequestMix mix;
  mix.requests = 100;
  mix.prompt_tokens = 99;
  mix.output_tokens = 100;
  mix.prefill_context = 49;
  mix.decode_context = 99 + 49;  // mean of p + j - 1 over j = 1 .. 99: 99 + 49
  return mix;
}

BatchLimits roomy_limits() {
  BatchLimits limits;
  limits.max_sequences = 64;
  limits.kv_tokens = 1'000'000;
  limits.block_tokens = 16;
  return limits;
}

double rate(const ServingBound& b, Resource r) {
  return b.tokens_per_s[static_cast<size_t>(r)];
}

BatchShape mixed_step() {
  BatchShape step;
  step.prefill_tokens = 100;
  step.prefill_context = 50;
  step.decode_tokens = 28;
  step.decode_context = 300;
  return step;
}

}  // namespace

TEST_CASE("serving bound: the KV capacity caps the decode batch in whole blocks and binds",
          "[bounds][serving]") {
  const ServingDeployment d = one_h100();
  const RequestMix mix = hundred_requests();
  BatchLimits limits = roomy_limits();
  limits.kv_tokens = 1000;
  // each sequence holds its 99 prompt tokens and one more: ceil(100 / 16) * 16 = 7 * 16 = 112
  // tokens; floor(1000 / 112) = 8 sequences (8 * 112 = 896, 9 * 112 = 1008 > 1000)
  const ServingBound b = serving_throughput_bound(d, mix, limits);
  CHECK(b.batch == 8);
  CHECK(b.binding == Resource::kKvCapacity);
  CHECK(b.output_tokens_per_s == rate(b, Resource::kKvCapacity));
  CHECK(rate(b, Resource::kKvCapacity) < rate(b, Resource::kCompute));
  // the capped batch reads the weights for fewer tokens than the 64 sequences the scheduler
  // allows: a lower rate than HBM's at 64
  CHECK(rate(b, Resource::kKvCapacity) < rate(b, Resource::kMemory));
  // KV capacity's rate is HBM's at 8 sequences: g / (g - 1) * 8 / step time, g = 100
  BatchShape step;
  step.decode_tokens = 8;
  step.decode_context = mix.decode_context;
  const double step_s = step_lower_bound(d, step)[Resource::kMemory];
  CHECK(rate(b, Resource::kKvCapacity) == Approx(100.0 / 99.0 * 8.0 / step_s).epsilon(1e-12));
  // 100 requests x 99 decode tokens in steps of 8: 9900 / 8 = 1237.5 steps
  CHECK(b.decode_steps == Approx(1237.5));

  // a 95-token prompt holds ceil(96 / 16) * 16 = 96 tokens: floor(1000 / 96) = 10 sequences
  RequestMix shorter = mix;
  shorter.prompt_tokens = 95;
  CHECK(serving_throughput_bound(d, shorter, limits).batch == 10);

  // the scheduler allowing fewer (4 < 8) sequences: KV capacity sets no limit
  limits.max_sequences = 4;
  const ServingBound capped = serving_throughput_bound(d, mix, limits);
  CHECK(capped.batch == 4);
  CHECK(std::isinf(rate(capped, Resource::kKvCapacity)));
  CHECK(capped.binding != Resource::kKvCapacity);
}

TEST_CASE("serving bound: an open loop cannot beat its arrivals", "[bounds][serving]") {
  const ServingDeployment d = one_h100();
  RequestMix mix;
  mix.requests = 10;
  mix.prompt_tokens = 8;
  mix.output_tokens = 5;
  mix.decode_context = 9.5;  // mean of 8 + j - 1 over j = 1 .. 4
  mix.arrival_span_s = 2.0;
  const ServingBound b = serving_throughput_bound(d, mix, roomy_limits());
  // 10 requests x 5 output tokens = 50 tokens, over 2 s of arrivals: 25 tokens/s
  CHECK(rate(b, Resource::kArrivals) == Approx(25.0));
  CHECK(b.binding == Resource::kArrivals);
  CHECK(b.output_tokens_per_s == Approx(25.0));
  // min(64 sequences, 10 requests) = 10 decode together: 10 x 4 decode tokens / 10 = 4 steps
  CHECK(b.batch == 10);
  CHECK(b.decode_steps == Approx(4.0));
  // a closed loop (no span) sets no arrival limit
  mix.arrival_span_s = 0;
  const ServingBound closed = serving_throughput_bound(d, mix, roomy_limits());
  CHECK(std::isinf(rate(closed, Resource::kArrivals)));
  CHECK(closed.binding != Resource::kArrivals);
}

TEST_CASE("serving bound: compute scales with the GPU's peak, HBM with its bandwidth",
          "[bounds][serving]") {
  const ServingDeployment d = one_h100();
  const BatchShape step = mixed_step();
  const RequestMix mix = hundred_requests();
  const ResourceTimes base = step_lower_bound(d, step);
  const ServingBound base_rate = serving_throughput_bound(d, mix, roomy_limits());
  REQUIRE(base[Resource::kCompute] > 0);
  REQUIRE(base[Resource::kMemory] > 0);

  ServingDeployment fast_flops = d;
  for (auto& [dtype, flops] : fast_flops.gpu.peak_flops_by_dtype) flops *= 2;
  fast_flops.gpu.peak_flops *= 2;
  const ResourceTimes f = step_lower_bound(fast_flops, step);
  // twice the FLOP/s: half the compute time, twice the compute tokens/s; HBM untouched
  CHECK(f[Resource::kCompute] == Approx(base[Resource::kCompute] / 2).epsilon(1e-12));
  CHECK(f[Resource::kMemory] == Approx(base[Resource::kMemory]).epsilon(1e-12));
  const ServingBound fr = serving_throughput_bound(fast_flops, mix, roomy_limits());
  CHECK(rate(fr, Resource::kCompute) ==
        Approx(2 * rate(base_rate, Resource::kCompute)).epsilon(1e-12));
  CHECK(rate(fr, Resource::kMemory) == Approx(rate(base_rate, Resource::kMemory)).epsilon(1e-12));

  ServingDeployment fast_hbm = d;
  fast_hbm.gpu.memory_bandwidth *= 2;
  const ResourceTimes m = step_lower_bound(fast_hbm, step);
  // twice the bandwidth: half the HBM time, twice the HBM tokens/s; compute untouched
  CHECK(m[Resource::kMemory] == Approx(base[Resource::kMemory] / 2).epsilon(1e-12));
  CHECK(m[Resource::kCompute] == Approx(base[Resource::kCompute]).epsilon(1e-12));
  const ServingBound mr = serving_throughput_bound(fast_hbm, mix, roomy_limits());
  CHECK(rate(mr, Resource::kMemory) ==
        Approx(2 * rate(base_rate, Resource::kMemory)).epsilon(1e-12));
  CHECK(rate(mr, Resource::kCompute) == Approx(rate(base_rate, Resource::kCompute)).epsilon(1e-12));
}

TEST_CASE("serving bound: tensor-parallel all-reduces and pipeline hand-offs on the network",
          "[bounds][serving]") {
  ServingDeployment d = one_h100();
  d.layout.tensor_parallel = 2;
  d.network_bandwidth = 100e9;
  const BatchShape step = mixed_step();  // 100 + 28 = 128 tokens
  const double layers = d.card.num_layers;
  const double hidden = static_cast<double>(d.card.hidden_size);
  REQUIRE(layers == 48);
  REQUIRE(hidden == 2048);
  // two all-reduces per layer, each GPU sending (tp - 1)/tp of the bf16 vectors, spread over
  // tp GPUs: 2 * 48 * (2 - 1) * 128 * 2048 * 2 bytes = 50,331,648 bytes over 2 * 100e9 bytes/s
  // = 251.66 us
  const double tokens = 128;
  const double tp_bytes = 2 * layers * (2 - 1) * tokens * hidden * 2;
  CHECK(tp_bytes == 50'331'648);
  const ResourceTimes t = step_lower_bound(d, step);
  CHECK(t[Resource::kNetwork] == Approx(tp_bytes / (2 * 100e9)).epsilon(1e-12));
  CHECK(t[Resource::kNetwork] == Approx(251.65824e-6).epsilon(1e-9));

  // the throughput bound: each request's life of p + g - 1 = 99 + 99 = 198 tokens gives g = 100
  // output tokens
  const RequestMix mix = hundred_requests();
  const double life_s = 2 * layers * 1 * 198 * hidden * 2 / (2 * 100e9);
  CHECK(rate(serving_throughput_bound(d, mix, roomy_limits()), Resource::kNetwork) ==
        Approx(100 / life_s).epsilon(1e-12));

  // one node's GPUs (no network) set no network limit
  const ResourceTimes alone = step_lower_bound(one_h100(), step);
  CHECK(alone[Resource::kNetwork] == 0);

  // TP 2 x PP 2 = 4 GPUs: the same all-reduces plus one hand-off of 128 vectors at the stage
  // boundary: (50,331,648 + 1 * 128 * 2048 * 2) / (4 * 100e9)
  d.layout.pipeline_parallel = 2;
  const double handoff = 1 * tokens * hidden * 2;
  CHECK(step_lower_bound(d, step)[Resource::kNetwork] ==
        Approx((tp_bytes + handoff) / (4 * 100e9)).epsilon(1e-12));
}

TEST_CASE("serving bound: streamed weights cross the host link once per step",
          "[bounds][serving]") {
  ServingDeployment d = one_h100();
  d.streamed_bytes_per_step = 61e9;
  d.host_link_bandwidth = 63e9;
  // 61e9 bytes / 63e9 bytes/s = 0.968254 s per step, whatever the step's tokens
  const ResourceTimes t = step_lower_bound(d, mixed_step());
  CHECK(t[Resource::kHostLink] == Approx(61e9 / 63e9).epsilon(1e-12));
  BatchShape one;
  one.decode_tokens = 1;
  CHECK(step_lower_bound(d, one)[Resource::kHostLink] == Approx(61e9 / 63e9).epsilon(1e-12));
  // the throughput bound: steps of min(64, 100) = 64 sequences, g / (g - 1) * 64 / 0.968 s
  // = 100 / 99 * 64 * 63 / 61 = 66.77 tokens/s, far below the GPU's terms: it binds
  const ServingBound b = serving_throughput_bound(d, hundred_requests(), roomy_limits());
  CHECK(rate(b, Resource::kHostLink) == Approx(100.0 / 99.0 * 64 * 63e9 / 61e9).epsilon(1e-12));
  CHECK(b.binding == Resource::kHostLink);
  // weights on the GPU: no host-link time
  CHECK(step_lower_bound(one_h100(), one)[Resource::kHostLink] == 0);
}

TEST_CASE("serving bound: inputs it cannot bound throw invalid_argument", "[bounds][serving]") {
  const ServingDeployment d = one_h100();
  const BatchShape step = mixed_step();
  RequestMix none = hundred_requests();
  none.requests = 0;
  CHECK_THROWS_AS(serving_throughput_bound(d, none, roomy_limits()), std::invalid_argument);
  RequestMix no_output = hundred_requests();
  no_output.output_tokens = 0.5;  // below one token
  CHECK_THROWS_AS(serving_throughput_bound(d, no_output, roomy_limits()), std::invalid_argument);

  // A GPU without a peak or a memory bandwidth cannot be bounded.
  ServingDeployment no_memory = d;
  no_memory.gpu.memory_bandwidth = 0;
  CHECK_THROWS_AS(step_lower_bound(no_memory, step), std::invalid_argument);

  ServingDeployment no_host = d;
  no_host.streamed_bytes_per_step = 1e9;  // host_link_bandwidth 0
  CHECK_THROWS_AS(step_lower_bound(no_host, step), std::invalid_argument);
  CHECK_THROWS_AS(serving_throughput_bound(no_host, hundred_requests(), roomy_limits()),
                  std::invalid_argument);

  RunWork no_steps;
  no_steps.tokens = step;
  CHECK_THROWS_AS(mean_step_lower_bound(d, no_steps), std::invalid_argument);
  // the valid deployment does not throw
  CHECK_NOTHROW(step_lower_bound(d, step));
}

TEST_CASE("serving bound: an unknown GPU-to-GPU link leaves the network out", "[bounds][serving]") {
  const BatchShape step = mixed_step();
  ServingDeployment no_network = one_h100();
  no_network.layout.tensor_parallel = 2;  // 2 GPUs, network_bandwidth 0: nothing to price it by
  const ResourceTimes t = step_lower_bound(no_network, step);
  CHECK(t[Resource::kNetwork] == 0.0);
  CHECK(t[Resource::kCompute] > 0.0);
  const ServingBound b = serving_throughput_bound(no_network, hundred_requests(), roomy_limits());
  CHECK(b.tokens_per_s[static_cast<size_t>(Resource::kNetwork)] ==
        std::numeric_limits<double>::infinity());
  CHECK(b.binding != Resource::kNetwork);
}

TEST_CASE("serving bound: the mean step of a one-step run is that step's bound",
          "[bounds][serving]") {
  const ServingDeployment d = one_h100();
  const BatchShape step = mixed_step();
  RunWork run;
  run.tokens = step;
  run.steps = 1;
  // the step reads top_k = 8 experts in each of the 48 MoE layers: 384
  run.active_experts = d.card.top_k * d.card.moe_layers.moe_count(d.card.num_layers);
  REQUIRE(run.active_experts == 384);
  const ResourceTimes one = step_lower_bound(d, step);
  const ResourceTimes mean = mean_step_lower_bound(d, run);
  CHECK(mean[Resource::kMemory] == Approx(one[Resource::kMemory]).epsilon(1e-9));
  CHECK(mean[Resource::kCompute] == Approx(one[Resource::kCompute]).epsilon(1e-12));
  CHECK(mean[Resource::kNetwork] == 0);
  CHECK(mean.binding() == one.binding());

  // twice the experts read: more HBM time by 384 experts' weights (each 3 x 2048 x 768 x 2
  // bytes = 9,437,184), 384 * 9,437,184 / 3.35e12 = 1.0818 ms
  run.active_experts = 768;
  const double expert_bytes = 3.0 * 2048 * 768 * 2;
  CHECK(mean_step_lower_bound(d, run)[Resource::kMemory] ==
        Approx(one[Resource::kMemory] + 384 * expert_bytes / d.gpu.memory_bandwidth).epsilon(1e-9));
}
