#include "models/bounds/moe_lens_stage1.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace moesim {
namespace {

void require_positive(double value, const char* name) {
  if (!std::isfinite(value) || value <= 0)
    throw std::invalid_argument(std::string("MoE-Lens stage 1: ") + name + " must be > 0");
}

void require_non_negative(double value, const char* name) {
  if (!std::isfinite(value) || value < 0)
    throw std::invalid_argument(std::string("MoE-Lens stage 1: ") + name + " must be >= 0");
}

bool all_classes_generate(const std::vector<RequestClass>& requests) {
  return std::all_of(requests.begin(), requests.end(),
                     [](const RequestClass& r) { return r.output_tokens > 0; });
}

}  // namespace

void check_stage1_inputs(const MoeLensStage1Inputs& in) {
  require_positive(in.model_bytes, "model_bytes");
  require_positive(in.kv_bytes_per_token, "kv_bytes_per_token");
  require_positive(in.kv_capacity_bytes, "kv_capacity_bytes");
  require_positive(in.host_link_bandwidth, "host_link_bandwidth");
  require_non_negative(in.host_memory_bandwidth, "host_memory_bandwidth");
  require_positive(in.gpu_tokens_per_s, "gpu_tokens_per_s");
  require_non_negative(in.cpu_attention_flops, "cpu_attention_flops");
  require_non_negative(in.attention_flops_per_context_token, "attention_flops_per_context_token");
  check_request_mix(in.requests, "MoE-Lens stage 1");
}

MoeLensStage1 moe_lens_stage1(const MoeLensStage1Inputs& in) {
  check_stage1_inputs(in);
  MoeLensStage1 out;
  out.pme = pme_average(in.requests);
  out.pme_closed_form =
      all_classes_generate(in.requests) ? pme_average_closed_form(in.requests) : 0;
  out.delta_s = in.model_bytes / in.host_link_bandwidth;
  out.kv_tokens = in.kv_capacity_bytes / in.kv_bytes_per_token;
  out.io_tokens_per_s = out.pme * out.kv_tokens / out.delta_s;
  out.gpu_tokens_per_s = in.gpu_tokens_per_s;
  out.max_tokens_per_s = std::min(out.io_tokens_per_s, out.gpu_tokens_per_s);
  out.turning_kv_tokens = in.gpu_tokens_per_s * out.delta_s / out.pme;
  out.regime =
      out.io_tokens_per_s < out.gpu_tokens_per_s ? MoeLensRegime::kKvCapacity : MoeLensRegime::kGpu;
  out.kv_scan_bandwidth = in.kv_capacity_bytes / out.delta_s;
  out.host_memory_demand = out.kv_scan_bandwidth + in.host_link_bandwidth;
  out.host_memory_over =
      in.host_memory_bandwidth > 0 && out.host_memory_demand > in.host_memory_bandwidth;
  if (in.cpu_attention_flops > 0) {
    out.cpu_attention_s =
        in.attention_flops_per_context_token * out.kv_tokens / in.cpu_attention_flops;
    out.cpu_attention_over = out.cpu_attention_s > out.delta_s;
  }
  return out;
}

}  // namespace moesim
