// MoE-Lens stage 2 (arXiv 2504.09345; equations read from summaries, moesim's reading in
// models/bounds/moe_lens_stage2.h): achievable throughput with a finite request pool, paged KV
// blocks, prefill/decode overlap, the GPU's saturation token count from a straight line fitted
// to its time against tokens, and the pipeline's prologue and epilogue.
#include <fmt/format.h>

#include "models/bounds/moe_lens_stage2.h"
#include "models/strategies/bound/bound_entries.h"

namespace moesim {

namespace {

/// The GPU's time for one layer against tokens at the hardware limit, fitted by a straight
/// line as MoE-Lens's pipeline profiler does with measured times.
GpuTimeLine gpu_layer_line(const ServingDeployment& d) {
  std::vector<std::pair<double, double>> points;
  for (const uint64_t tokens : {256, 1024, 4096, 16384, 65536}) {
    BatchShape step;
    step.decode_tokens = tokens;
    points.emplace_back(static_cast<double>(tokens), gpu_step_seconds(d, step) / d.card.num_layers);
  }
  return fit_gpu_time_line(points);
}

}  // namespace

BoundFamily::Entry moe_lens_stage2_bound_entry() {
  return {{"moe_lens_stage2",
           "MoE-Lens stage 2 (arXiv 2504.09345): achievable throughput with the request pool, "
           "paged KV blocks, prefill/decode overlap (capacity x (p+g)/(p+g/2)), the GPU's "
           "saturation tokens from a line fitted to its time, pipeline prologue and epilogue",
           {param::flag("prefill_decode_overlap", true,
                        "prefill overlaps decode, enlarging the effective KV capacity (Eq. 7)")
                .spec,
            param::optional("block_tokens", ParamKind::kUint, "serving.block_size",
                            "tokens per paged KV block")
                .in(1, 65536)
                .spec,
            param::optional("request_pool", ParamKind::kUint, "the workload's requests",
                            "requests served, K")
                .in(1, 1e12)
                .spec},
           nullptr},
          [](const BoundContext& c, const Params& p) {
            const std::string name = "moe_lens_stage2";
            if (const std::string why = moe_lens_not_applicable(c); !why.empty()) {
              return std::make_unique<BoundModel>(not_applicable(name, why));
            }
            MoeLensStage2Inputs in;
            in.stage1 = moe_lens_stage1_inputs(c, gpu_tokens_per_s(*c.deployment));
            in.layers = c.deployment->card.num_layers;
            in.request_pool = p.has("request_pool") ? p.whole("request_pool") : c.mix.requests;
            in.block_tokens = static_cast<uint32_t>(p.has("block_tokens") ? p.whole("block_tokens")
                                                                          : c.limits.block_tokens);
            in.prefill_decode_overlap = p.flag("prefill_decode_overlap");
            in.gpu_layer = gpu_layer_line(*c.deployment);
            const MoeLensStage2 s = moe_lens_stage2(in);
            BoundReport r;
            r.name = name;
            r.figures = {
                {"overlap factor", fmt::format("{:.4f}", s.overlap_factor)},
                {"effective KV capacity", fmt::format("{:.0f} tokens", s.effective_kv_tokens)},
                {"held tokens per sequence (whole blocks)",
                 fmt::format("{:.1f}", s.held_tokens_per_sequence)},
                {"concurrent sequences S", fmt::format("{:.0f}", s.concurrent_sequences)},
                {"GPU layer line",
                 fmt::format("{} + {} per token", seconds_text(in.gpu_layer.intercept_s),
                             seconds_text(in.gpu_layer.seconds_per_token))},
                {"saturation tokens n_real", fmt::format("{:.0f}", s.saturation_tokens)},
                {"tokens per iteration", fmt::format("{:.0f}", s.tokens_per_iteration)},
                {"iteration", seconds_text(s.iteration_s)},
                {"iterations", fmt::format("{:.0f}", s.iterations)},
                {"prologue + epilogue", seconds_text(s.prologue_s + s.epilogue_s)},
                {"T_IO", tokens_per_s_text(s.io_tokens_per_s)},
                {"T_GPU", tokens_per_s_text(s.gpu_tokens_per_s)},
                {"T (pool served)", tokens_per_s_text(s.tokens_per_s)}};
            set_moe_lens_outcome(r, s.regime, s.tokens_per_s);
            return std::make_unique<BoundModel>(std::move(r));
          }};
}

}  // namespace moesim
