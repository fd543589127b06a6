#include "models/bounds/moe_lens_stage2.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace moesim {
namespace {

void require_positive(double value, const char* name) {
  if (!std::isfinite(value) || value <= 0)
    throw std::invalid_argument(std::string("MoE-Lens stage 2: ") + name + " must be > 0");
}

void check_inputs(const MoeLensStage2Inputs& in) {
  const MoeLensStage1Inputs& s1 = in.stage1;
  require_positive(s1.model_bytes, "model_bytes");
  require_positive(s1.kv_bytes_per_token, "kv_bytes_per_token");
  require_positive(s1.kv_capacity_bytes, "kv_capacity_bytes");
  require_positive(s1.host_link_bandwidth, "host_link_bandwidth");
  check_request_mix(s1.requests, "MoE-Lens stage 2");
  if (in.layers == 0) throw std::invalid_argument("MoE-Lens stage 2: layers must be > 0");
  if (in.request_pool == 0)
    throw std::invalid_argument("MoE-Lens stage 2: request_pool must be > 0");
  if (in.block_tokens == 0)
    throw std::invalid_argument("MoE-Lens stage 2: block_tokens must be > 0");
  if (!std::isfinite(in.gpu_layer.intercept_s) || in.gpu_layer.intercept_s < 0)
    throw std::invalid_argument("MoE-Lens stage 2: GPU time intercept must be >= 0");
  require_positive(in.gpu_layer.seconds_per_token, "GPU seconds per token");
}

/// sum over classes of w * value(class) / sum of w.
template <typename F>
double weighted_mean(std::span<const RequestClass> requests, F value) {
  double sum = 0, weight = 0;
  for (const RequestClass& r : requests) {
    sum += r.weight * value(r);
    weight += r.weight;
  }
  return sum / weight;
}

double life_steps(const RequestClass& r) {
  return static_cast<double>(r.output_tokens) + 1;
}

double parallel_tokens(const RequestClass& r) {
  return r.prompt_tokens + static_cast<double>(r.output_tokens);
}

}  // namespace

GpuTimeLine fit_gpu_time_line(std::span<const std::pair<double, double>> tokens_and_seconds) {
  double sx = 0, sy = 0;
  for (const auto& [x, y] : tokens_and_seconds) {
    if (!std::isfinite(x) || !std::isfinite(y) || x < 0 || y < 0)
      throw std::invalid_argument("fit_gpu_time_line: samples must be finite and >= 0");
    sx += x;
    sy += y;
  }
  const double n = static_cast<double>(tokens_and_seconds.size());
  const double mean_x = n > 0 ? sx / n : 0, mean_y = n > 0 ? sy / n : 0;
  double sxx = 0, sxy = 0;
  for (const auto& [x, y] : tokens_and_seconds) {
    sxx += (x - mean_x) * (x - mean_x);
    sxy += (x - mean_x) * (y - mean_y);
  }
  if (!(sxx > 0))
    throw std::invalid_argument("fit_gpu_time_line: needs at least 2 distinct token counts");
  const double slope = sxy / sxx;
  return GpuTimeLine{mean_y - slope * mean_x, slope};
}

double prefill_decode_overlap_factor(std::span<const RequestClass> requests) {
  check_request_mix(requests, "prefill_decode_overlap_factor");
  double sum = 0, weight = 0;
  for (const RequestClass& r : requests) {
    const double g = static_cast<double>(r.output_tokens);
    const double w = r.weight * parallel_tokens(r);
    sum += w * parallel_tokens(r) / (r.prompt_tokens + g / 2);
    weight += w;
  }
  return sum / weight;
}

double held_tokens_per_sequence(std::span<const RequestClass> requests, uint32_t block_tokens) {
  if (block_tokens == 0) throw std::invalid_argument("held_tokens_per_sequence: block_tokens = 0");
  check_request_mix(requests, "held_tokens_per_sequence");
  const double b = block_tokens;
  double held = 0, steps = 0;
  for (const RequestClass& r : requests) {
    double life = 0;
    for (uint64_t j = 0; j <= r.output_tokens; ++j)
      life += std::ceil((r.prompt_tokens + static_cast<double>(j)) / b) * b;
    held += r.weight * life;
    steps += r.weight * life_steps(r);
  }
  return held / steps;
}

double parallel_tokens_per_sequence_step(std::span<const RequestClass> requests) {
  check_request_mix(requests, "parallel_tokens_per_sequence_step");
  return weighted_mean(requests, parallel_tokens) / weighted_mean(requests, life_steps);
}

MoeLensStage2 moe_lens_stage2(const MoeLensStage2Inputs& in) {
  check_inputs(in);
  const MoeLensStage1Inputs& s1 = in.stage1;
  const std::span<const RequestClass> mix(s1.requests);
  const GpuTimeLine& line = in.gpu_layer;
  const double layers = in.layers;
  const double pool = static_cast<double>(in.request_pool);

  MoeLensStage2 out;
  out.overlap_factor = in.prefill_decode_overlap ? prefill_decode_overlap_factor(mix) : 1.0;
  out.effective_kv_tokens = out.overlap_factor * s1.kv_capacity_bytes / s1.kv_bytes_per_token;
  out.held_tokens_per_sequence = held_tokens_per_sequence(mix, in.block_tokens);
  out.parallel_tokens_per_step = parallel_tokens_per_sequence_step(mix);
  const double fits = std::floor(out.effective_kv_tokens / out.held_tokens_per_sequence);
  if (fits < 1)
    throw std::invalid_argument("MoE-Lens stage 2: the KV capacity holds no whole sequence");
  out.concurrent_sequences = std::min(pool, fits);

  const double delta = s1.model_bytes / s1.host_link_bandwidth;
  const double layer_transfer_s = delta / layers;
  out.saturation_tokens =
      std::max(0.0, (layer_transfer_s - line.intercept_s) / line.seconds_per_token);
  const double sequence_tokens = out.concurrent_sequences * out.parallel_tokens_per_step;
  const bool sequence_limited = sequence_tokens <= out.saturation_tokens;
  out.tokens_per_iteration =
      sequence_limited || out.saturation_tokens == 0 ? sequence_tokens : out.saturation_tokens;

  const double n = out.tokens_per_iteration;
  const double layer_gpu_s = line.intercept_s + line.seconds_per_token * n;
  const double gpu_s = layers * layer_gpu_s;
  out.iteration_s = std::max(delta, gpu_s);
  out.io_tokens_per_s = n / delta;
  out.gpu_tokens_per_s = n / gpu_s;
  out.regime =
      sequence_limited && delta >= gpu_s ? MoeLensRegime::kKvCapacity : MoeLensRegime::kGpu;

  const double steps_per_iteration =
      sequence_limited ? out.concurrent_sequences : n / out.parallel_tokens_per_step;
  out.iterations = std::ceil(pool * weighted_mean(mix, life_steps) / steps_per_iteration);
  out.prologue_s = layer_transfer_s;
  out.epilogue_s = layer_gpu_s;
  out.total_s = out.prologue_s + out.iterations * out.iteration_s + out.epilogue_s;
  out.tokens_per_s = pool * weighted_mean(mix, parallel_tokens) / out.total_s;
  return out;
}

}  // namespace moesim
