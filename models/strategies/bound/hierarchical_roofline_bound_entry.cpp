// MoE-Lightning's hierarchical roofline (Cao et al., ASPLOS 2025, arXiv 2411.11217): a
// roofline per memory level (GPU, CPU) with a ceiling for the bytes that cross the host link,
// and the turning points that decide where decode attention and the experts should run
// (models/bounds/hierarchical_roofline.h).
#include <fmt/format.h>

#include "models/bounds/hierarchical_roofline.h"
#include "models/strategies/bound/bound_entries.h"
#include "models/weight_format.h"

namespace moesim {

namespace {

std::string level_text(const LevelPerformance& p) {
  return fmt::format("{:.3g} TFLOP/s ({}-bound)", p.attainable_flops / 1e12, p.ceiling);
}

}  // namespace

BoundFamily::Entry hierarchical_roofline_bound_entry() {
  return {
      {"hierarchical_roofline",
       "MoE-Lightning's hierarchical roofline (arXiv 2411.11217): GPU and CPU rooflines with "
       "the host-link ceiling; where decode attention over host-memory KV runs best, and the "
       "batch N* at which streamed experts stop being link-bound",
       {},
       nullptr},
      [](const BoundContext& c, const Params&) {
        const std::string name = "hierarchical_roofline";
        if (!c.deployment) {
          return std::make_unique<BoundModel>(
              not_applicable(name, "a layer scenario: it serves no requests"));
        }
        if (!c.host) {
          return std::make_unique<BoundModel>(
              not_applicable(name, "no host side (serving.host): nothing is kept in host memory"));
        }
        const ModelCard& card = c.deployment->card;
        const MemoryLevel gpu{"GPU", c.gpu.peak_flops, c.gpu.memory_bandwidth};
        const MemoryLevel cpu{"CPU", c.host->cpu.vector_flops * c.host->sockets,
                              c.host->cpu.memory_bandwidth * c.host->sockets};
        // Decode attention of one token over the mean context, its KV in host memory.
        const double context = std::max(1.0, c.mix.decode_context);
        const double kv_bytes = c.kv_bytes_per_token * context;
        const double attention_flops = 2.0 * card.attention.num_heads * 2.0 *
                                       card.attention.head_dim * card.num_layers * context;
        const AttentionPlacement a =
            attention_placement(cpu, gpu, c.host_link_bandwidth, attention_flops, kv_bytes);
        // The routed experts of one MoE layer at the deployment's decode batch, streamed.
        const double batch = static_cast<double>(std::max<uint64_t>(1, c.limits.max_sequences));
        const double expert_bytes = card.num_routed_experts * 3.0 *
                                    static_cast<double>(card.hidden_size) *
                                    static_cast<double>(card.expert_intermediate_size) *
                                    bytes_per_weight(card.weights.experts);
        const KernelDemand experts{2.0 * 3.0 * static_cast<double>(card.hidden_size) *
                                       static_cast<double>(card.expert_intermediate_size) *
                                       card.top_k * batch,
                                   expert_bytes, c.host->weights_on_host ? expert_bytes : 0.0};
        const LevelPerformance e = attainable(gpu, c.host_link_bandwidth, experts);
        const double turning =
            moe_ffn_turning_batch(c.gpu.peak_flops, card.num_routed_experts, card.top_k,
                                  bytes_per_weight(card.weights.experts), c.host_link_bandwidth);
        BoundReport r;
        r.name = name;
        r.figures = {
            {"decode attention on the CPU", level_text(a.cpu)},
            {"decode attention on the GPU (KV over the link)", level_text(a.gpu)},
            {"decode attention belongs on", a.cpu_better ? "CPU" : "GPU"},
            {"experts on the GPU at the decode batch", level_text(e)},
            {"decode batch", fmt::format("{:.0f} tokens", batch)},
            {"N* (streamed experts reach GPU peak)", fmt::format("{:.0f} tokens", turning)}};
        r.regime = e.ceiling == "link" ? "host-link-bound experts" : e.ceiling + "-bound experts";
        r.binding = e.ceiling == "link" ? "host link" : e.ceiling;
        return std::make_unique<BoundModel>(std::move(r));
      }};
}

}  // namespace moesim
