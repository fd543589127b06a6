#include "models/engine/serving/roofline_operator_timer.h"

#include <algorithm>

#include "models/cost_model/compute_peak.h"
#include "models/kv_cache_layout.h"
#include "models/weight_format.h"

namespace moesim {
namespace {

BatchShape shape_of(const RankLoad& load) {
  BatchShape b;
  b.prefill_tokens = static_cast<uint64_t>(load.prefill_tokens);
  b.prefill_context = load.prefill_attended;
  b.decode_tokens = static_cast<uint64_t>(load.decodes);
  b.decode_context = load.decode_context;
  return b;
}

}  // namespace

RooflineOperatorTimer::RooflineOperatorTimer(ModelCard card, GpuSpec gpu,
                                             const RooflineConfig& roofline, double split,
                                             double overhead_us, Dtype kv_cache,
                                             std::optional<HostOffload> host)
    : card_(std::move(card)),
      gpu_(std::move(gpu)),
      roofline_(roofline),
      split_(split),
      overhead_us_(overhead_us),
      kv_cache_(kv_cache),
      host_(std::move(host)),
      no_load_(card_.num_routed_experts, 0) {
  for (const std::string_view dtype : {"fp32", "bf16", "fp8", "fp4"}) {
    gpus_.emplace_back(dtype, at_compute_dtype(gpu_, dtype));
  }
}

const GpuSpec& RooflineOperatorTimer::gpu_at(std::string_view dtype) const {
  for (const auto& [name, gpu] : gpus_) {
    if (name == dtype) return gpu;
  }
  return gpu_;
}

void RooflineOperatorTimer::add(const std::vector<LayerOperator>& ops, LayerTime& time) const {
  // The GPU's share of the KV cache: whole KV heads, or the whole mla latent, per TP rank.
  const double kv_share = kv_share_per_gpu(card_.attention, static_cast<uint32_t>(split_));
  for (const LayerOperator& op : ops) {
    if (op.name == "moe.experts") continue;  // timed per GPU from its own experts
    const double s = op.name == "moe.router" ? 1.0 : split_;
    OpCost work{op.flops / s,
                op.weight_bytes / s + (op.kv_read_bytes + op.kv_write_bytes) * kv_share +
                    op.activation_bytes,
                op.name == "moe.router" ? OpKind::kRouter : OpKind::kOther};
    const double us = roofline_.op_time(work, gpu_at(op.compute_dtype)).microseconds();
    (op.name == "attention.core" ? time.attention : time.dense) += us;  // projections: dense
    time.total += us;
  }
}

void RooflineOperatorTimer::decode_attention_to_cpu(std::vector<LayerOperator>& ops,
                                                    const RankLoad& load, uint32_t layer,
                                                    LayerTime& time) const {
  const auto core = std::find_if(
      ops.begin(), ops.end(), [](const LayerOperator& op) { return op.name == "attention.core"; });
  if (core == ops.end() || load.decodes <= 0) return;
  BatchShape decode = shape_of(load);
  decode.prefill_tokens = 0;
  decode.prefill_context = 0;
  LayerOperator cpu;
  for (const LayerOperator& op :
       decoder_layer_operators(card_, layer, decode, no_load_, card_.weights, kv_cache_)) {
    if (op.name == "attention.core") cpu = op;
  }
  // The decodes read their context's KV and append their own token's entry in host memory.
  const double read_s = (cpu.kv_read_bytes + cpu.kv_write_bytes) / host_->cpu_memory_bandwidth();
  const double compute_s = cpu.flops / host_->cpu_flops();
  time.cpu = std::max(read_s, compute_s) * 1e6;
  if (load.prefill_tokens <= 0) {
    ops.erase(core);  // no prompt token: no attention kernel on the GPU
    return;
  }
  core->flops -= cpu.flops;
  core->kv_read_bytes -= cpu.kv_read_bytes;
  core->kv_write_bytes -= cpu.kv_write_bytes;
}

LayerTime RooflineOperatorTimer::layer(const RankLoad& load, uint32_t layer) const {
  LayerTime time;
  auto ops =
      decoder_layer_operators(card_, layer, shape_of(load), no_load_, card_.weights, kv_cache_);
  if (host_) decode_attention_to_cpu(ops, load, layer, time);
  add(ops, time);
  return time;
}

double RooflineOperatorTimer::experts(const std::vector<uint64_t>& tokens,
                                      double moe_tensor_parallel) const {
  const double matrices = card_.activation == Activation::kSwiglu ? 3.0 : 2.0;
  const double h = static_cast<double>(card_.hidden_size);
  const double f = static_cast<double>(card_.expert_intermediate_size) / moe_tensor_parallel;
  const double wbytes = bytes_per_weight(card_.weights.experts);
  const GpuSpec& gpu = gpu_at(gemm_dtype(card_.weights.experts));
  double us = 0;
  for (const uint64_t n : tokens) {
    if (n == 0) continue;
    const double t = static_cast<double>(n);
    const OpCost work{2 * matrices * h * f * t,
                      matrices * h * f * wbytes + 2 * t * h * kActivationBytesPerElement,
                      OpKind::kExpert};
    us += roofline_.op_time(work, gpu).microseconds();
  }
  return us;
}

double RooflineOperatorTimer::outside_layers(const RankLoad& load, bool head) const {
  const auto ops =
      embedding_and_head_operators(card_, static_cast<uint64_t>(load.tokens),
                                   static_cast<uint64_t>(load.sequences), card_.weights.others);
  LayerTime time;
  add({head ? ops.back() : ops.front()}, time);
  return time.total;
}

}  // namespace moesim
