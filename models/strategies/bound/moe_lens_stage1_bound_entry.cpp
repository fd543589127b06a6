// MoE-Lens stage 1 (Yuan, Ma, Talati, arXiv 2504.09345, s5.2): the theoretical throughput of
// CPU-GPU hybrid serving with every weight streamed from host memory each iteration and the KV
// cache in host memory: T_max = min(PME * M / delta, T_GPU) (models/bounds/moe_lens_stage1.h).
#include <fmt/format.h>

#include "models/bounds/moe_lens_stage1.h"
#include "models/bounds/moe_lens_stage2.h"
#include "models/strategies/bound/bound_entries.h"

namespace moesim {

namespace {

/// Decode attention FLOPs per cached token read, all layers: scores and weighted values.
double attention_flops_per_context_token(const ModelCard& card) {
  const AttentionSpec& a = card.attention;
  const bool mla = a.type == AttentionType::kMla;
  const double qk = mla ? a.qk_nope_head_dim + a.qk_rope_head_dim : a.head_dim;
  const double v = mla ? a.v_head_dim : a.head_dim;
  return 2.0 * a.num_heads * (qk + v) * card.num_layers;
}

}  // namespace

MoeLensStage1Inputs moe_lens_stage1_inputs(const BoundContext& c, double gpu_tokens) {
  const HostSide& host = *c.host;
  MoeLensStage1Inputs in;
  in.model_bytes = c.model_bytes;
  in.kv_bytes_per_token = c.kv_bytes_per_token;
  in.kv_capacity_bytes = host.kv_capacity_bytes;
  in.host_link_bandwidth = c.host_link_bandwidth;
  in.host_memory_bandwidth = host.cpu.memory_bandwidth * host.sockets;
  in.gpu_tokens_per_s = gpu_tokens;
  in.cpu_attention_flops = host.cpu.vector_flops * host.sockets;
  in.attention_flops_per_context_token = attention_flops_per_context_token(c.deployment->card);
  in.requests = c.request_classes;
  return in;
}

void set_moe_lens_outcome(BoundReport& r, MoeLensRegime regime, double tokens_per_s) {
  const bool kv = regime == MoeLensRegime::kKvCapacity;
  r.regime = kv ? "KV-capacity-bound" : "GPU-bound";
  r.binding = kv ? "KV capacity" : "compute";
  r.throughput = tokens_per_s;
  r.unit = "tokens/s (prompt + output)";
}

std::string moe_lens_not_applicable(const BoundContext& c) {
  if (!c.deployment) return "a layer scenario: it serves no requests";
  if (!c.host || !c.host->weights_on_host) {
    return "weights are in GPU memory (MoE-Lens streams every weight from host memory: "
           "serving.weights: host)";
  }
  return "";
}

BoundFamily::Entry moe_lens_stage1_bound_entry() {
  return {
      {"moe_lens_stage1",
       "MoE-Lens stage 1 (arXiv 2504.09345 s5.2): min(PME x KV capacity / model stream time, "
       "GPU token rate) for weights streamed from host memory, KV cache and decode attention on "
       "the CPU; the turning KV capacity; host DRAM and CPU attention checks",
       {param::flag("prefill_decode_overlap", true,
                    "prefill overlaps decode, enlarging the KV capacity by (p+g)/(p+g/2) (Eq. 7): "
                    "on, stage 1 stays an upper bound of stage 2 with the overlap")
            .spec,
        param::optional("gpu_tokens_per_s", ParamKind::kDouble,
                        "the GPU's roofline at 65,536 context-free tokens",
                        "T_GPU, the GPU's most tokens/s with the weights on it")
            .above(0)
            .spec},
       nullptr},
      [](const BoundContext& c, const Params& p) {
        const std::string name = "moe_lens_stage1";
        if (const std::string why = moe_lens_not_applicable(c); !why.empty()) {
          return std::make_unique<BoundModel>(not_applicable(name, why));
        }
        const double t_gpu = p.has("gpu_tokens_per_s") ? p.real("gpu_tokens_per_s")
                                                       : gpu_tokens_per_s(*c.deployment);
        MoeLensStage1Inputs in = moe_lens_stage1_inputs(c, t_gpu);
        const double overlap =
            p.flag("prefill_decode_overlap") ? prefill_decode_overlap_factor(in.requests) : 1.0;
        // The host checks scan the KV cache as it is; only the capacity PME works with grows.
        const MoeLensStage1 scanned = moe_lens_stage1(in);
        in.kv_capacity_bytes *= overlap;
        const MoeLensStage1 s = moe_lens_stage1(in);
        BoundReport r;
        r.name = name;
        r.figures = {
            {"PME (exact sum)", fmt::format("{:.6g} /token", s.pme)},
            {"PME (paper's closed form)", fmt::format("{:.6g} /token", s.pme_closed_form)},
            {"delta (model over host link)", seconds_text(s.delta_s)},
            {"overlap factor (p+g)/(p+g/2)", fmt::format("{:.4f}", overlap)},
            {"M (KV capacity x overlap factor)", fmt::format("{:.0f} tokens", s.kv_tokens)},
            {"PME x M / delta", tokens_per_s_text(s.io_tokens_per_s)},
            {"T_GPU", tokens_per_s_text(s.gpu_tokens_per_s)},
            {"T_max", tokens_per_s_text(s.max_tokens_per_s)},
            {"M* (turning KV capacity)", fmt::format("{:.0f} tokens", s.turning_kv_tokens)},
            {"host DRAM demand (KV scan + weights)",
             fmt::format("{:.1f} GB/s{}", scanned.host_memory_demand / 1e9,
                         scanned.host_memory_over ? " > host DRAM bandwidth: NOT carried" : "")},
            {"CPU decode attention per iteration",
             fmt::format("{}{}", seconds_text(scanned.cpu_attention_s),
                         scanned.cpu_attention_over ? " > delta: NOT hidden" : "")}};
        set_moe_lens_outcome(r, s.regime, s.max_tokens_per_s);
        return std::make_unique<BoundModel>(std::move(r));
      }};
}

}  // namespace moesim
