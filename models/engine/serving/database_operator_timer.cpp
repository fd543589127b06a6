#include "models/engine/serving/database_operator_timer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace moesim {
namespace {

/// Same bf16 and fp8 tensor-core peaks: the same compute silicon at the same clocks.
bool same_compute(const GpuSpec& a, const GpuSpec& b) {
  for (const char* dtype : {"bf16", "fp8"}) {
    const auto x = a.peak_flops_by_dtype.find(dtype), y = b.peak_flops_by_dtype.find(dtype);
    if (x == a.peak_flops_by_dtype.end() || y == b.peak_flops_by_dtype.end() ||
        x->second != y->second) {
      return false;
    }
  }
  return true;
}

constexpr double kBf16 = 2.0;  // bytes per activation element

/// The tables' name of a weight format's GEMMs, and of the fused MoE's kernels. MXFP4 and INT4
/// experts run as weight-only 4-bit kernels on Hopper (Marlin in vLLM and SGLang, W4A16 MXFP4 in
/// TRT-LLM); their GEMMs outside the experts stay bf16.
std::string gemm_dtype_of(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp8Block:
      return "fp8_block";
    case WeightFormat::kFp8Tensor:
      return "fp8";
    default:
      return "bfloat16";
  }
}
std::string moe_dtype_of(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp8Block:
      return "fp8_block";
    case WeightFormat::kFp8Tensor:
      return "fp8";
    case WeightFormat::kInt4:
    case WeightFormat::kMxfp4:
    case WeightFormat::kNvfp4:  // no fp4 tensor cores on Hopper: weight-only 4-bit kernels
      return "w4a16";
    default:
      return "bfloat16";
  }
}

/// Whether decoder layer `layer` attends through a sliding window.
bool windowed(const AttentionSpec& a, uint32_t layer) {
  if (!a.window || a.window->kind != "sliding") return false;
  const AttentionWindow& w = *a.window;
  return !(w.full_every > 0 && layer % w.full_every == w.full_offset);
}

}  // namespace

DatabaseOperatorTimer::DatabaseOperatorTimer(DatabaseTimerConfig config,
                                             const OperatorTables& tables)
    : config_(std::move(config)),
      tables_(&tables),
      moe_tables_(&tables),
      roofline_(config_.card, config_.gpu, RooflineConfig{}, config_.layout.tensor_parallel, 0) {
  const ModelCard& c = config_.card;
  kv_dtype_ = config_.kv_cache == Dtype::kFp8 ? "fp8" : "bfloat16";
  gemm_dtype_ = gemm_dtype_of(c.weights.others);
  moe_dtype_ = moe_dtype_of(c.weights.experts);
  gemm_weight_bytes_ = bytes_per_weight(c.weights.others);
  expert_weight_bytes_ = bytes_per_weight(c.weights.experts);
  same_gpu_ = config_.gpu.name == config_.table_gpu.name;
  const ParallelLayout& l = config_.layout;
  moe_shape_ = {moe_dtype_,
                c.top_k,
                c.num_routed_experts,
                static_cast<uint32_t>(c.hidden_size),
                static_cast<uint32_t>(c.expert_intermediate_size),
                l.moe_tensor_parallel(),
                l.expert_parallel};
  // The 4-bit MoE kernels: W4A16 MXFP4 (TRT-LLM's tables), from these tables or, for MXFP4
  // experts, another backend's; else Marlin INT4 (vLLM, SGLang).
  if (moe_dtype_ == "w4a16") {
    const bool mxfp4 = c.weights.experts == WeightFormat::kMxfp4;
    const std::vector<std::pair<std::string, const OperatorTables*>> candidates = {
        {kMxfp4MoeKernel, &tables},
        {kMxfp4MoeKernel, mxfp4 ? config_.format_tables : nullptr},
        {"int4_wo", &tables}};
    for (const auto& [dtype, source] : candidates) {
      if (source != nullptr && !source->moe_shapes(dtype, "balanced").empty()) {
        moe_shape_.dtype = dtype;
        moe_tables_ = source;
        break;
      }
    }
  }
  const OperatorTables& moe_tables = *moe_tables_;
  if (!moe_tables.moe(moe_shape_, "balanced", 1)) {
    // The nearest measured shape of the same precision, preferring the same MoE TP and EP
    // (the group token count means the same there): closest expert width (H x F per GPU), expert
    // count and top-k, each by the logarithm of their ratio.
    double best = std::numeric_limits<double>::infinity();
    const auto ratio = [](double a, double b) { return std::abs(std::log(a / b)); };
    for (const auto& s : moe_tables.moe_shapes(moe_shape_.dtype, "balanced")) {
      const bool same_split = s.moe_tp == moe_shape_.moe_tp && s.moe_ep == moe_shape_.moe_ep;
      const double d =
          (same_split ? 0.0 : 100.0) +
          ratio(double(s.hidden) * s.intermediate / s.moe_tp,
                double(moe_shape_.hidden) * moe_shape_.intermediate / moe_shape_.moe_tp) +
          ratio(s.experts, moe_shape_.experts) + ratio(s.top_k, moe_shape_.top_k);
      if (d < best) {
        best = d;
        moe_source_ = s;
      }
    }
  }
  // A time scaled by a roofline ratio (another shape's measured time, or this shape's moved
  // from the tables' GPU) can fall, at a few tokens on a narrow slice (TP8 of a wide expert),
  // below the launch and small-GEMM latency every MoE kernel of this backend shows at that
  // split; that latency is the engine's, not the weight format's. It is compute-side, so it
  // holds on a GPU of the same tensor-core peaks (H200 and H800 are H100's GH100 with other
  // memory or links: the same SMs at the same clocks); on another GPU it is not known.
  const bool scaled = moe_source_.has_value() || !same_gpu_;
  if (scaled && (same_gpu_ || same_compute(config_.gpu, config_.table_gpu))) {
    moe_floor_us_ = tables.moe_floor_us(moe_shape_.moe_tp, moe_shape_.moe_ep).value_or(0.0);
  }
}

double DatabaseOperatorTimer::roofline_us(double flops, double peak, double bytes,
                                          const GpuSpec& gpu) {
  return std::max(flops / peak, bytes / gpu.memory_bandwidth) * 1e6;
}

template <typename Roofline>
double DatabaseOperatorTimer::measured(const std::optional<TableLookup>& hit,
                                       const std::array<double, 3>& query,
                                       const Roofline& roofline) const {
  ++counts_.lookups;
  double us = 0;
  if (!hit) {
    ++counts_.no_table;
    return roofline(query, config_.gpu);
  }
  if (hit->clamped) {
    ++counts_.beyond;
    const double edge = roofline(hit->edge, config_.table_gpu);
    us = edge > 0 ? roofline(query, config_.table_gpu) * hit->us / edge : hit->us;
  } else {
    us = hit->us;
  }
  if (!same_gpu_) {
    const double source = roofline(query, config_.table_gpu);
    if (source > 0) us *= roofline(query, config_.gpu) / source;
  }
  // A benchmark that reruns one operator keeps its weights in the L2 cache and can beat the
  // HBM roofline; in a model's pass each layer's weights come from HBM: at most efficiency 1.
  const double limit = roofline(query, config_.gpu);
  if (us < limit) {
    ++counts_.below_roofline;
    us = limit;
  }
  return us;
}

double DatabaseOperatorTimer::gemm(double m, double n, double k, const std::string& dtype,
                                   double weight_bytes) const {
  const bool fp8 = dtype != "bfloat16";
  const auto roofline = [&](const std::array<double, 3>& p, const GpuSpec& gpu) {
    const double peak = gpu.peak_flops_by_dtype.at(fp8 ? "fp8" : "bf16");
    return roofline_us(2 * p[0] * p[1] * p[2], peak,
                       (p[0] * p[2] + p[0] * p[1]) * kBf16 + p[1] * p[2] * weight_bytes, gpu);
  };
  return measured(tables_->gemm(dtype, m, n, k), {m, n, k}, roofline);
}

double DatabaseOperatorTimer::attention(const RankLoad& load, uint32_t layer) const {
  const AttentionSpec& a = config_.card.attention;
  const double tp = config_.layout.tensor_parallel;
  const auto heads = static_cast<uint32_t>(std::max(1.0, a.num_heads / tp));
  // KV heads are split over the TP GPUs, replicated once TP exceeds them.
  const auto kv_heads = static_cast<uint32_t>(std::max(1.0, std::ceil(a.num_kv_heads / tp)));
  const uint32_t window = windowed(a, layer) ? static_cast<uint32_t>(a.window->size) : 0;
  const double d = a.head_dim;
  const double kv_bytes = config_.kv_cache == Dtype::kFp8 ? 1.0 : kBf16;
  double us = 0;
  if (load.prefill_tokens > 0 && load.prefill_sequences > 0) {
    // Each prompt chunk of n new tokens after p cached ones: the table's full-length prompt
    // of n + p tokens, times the share of its causal square the chunk computes.
    const double chunk = load.prefill_tokens / load.prefill_sequences;
    const double cached = load.prefill_context;
    const double full = chunk + cached;
    const double share = (full * full - cached * cached) / (full * full);
    const auto roofline = [&](const std::array<double, 3>& p, const GpuSpec& gpu) {
      const double keys = window > 0 ? std::min<double>(window, p[1]) : p[1] / 2;
      return roofline_us(4 * p[2] * p[1] * keys * p[0] * d, gpu.peak_flops_by_dtype.at("bf16"),
                         p[2] * p[1] * (p[0] + 2.0 * kv_heads) * d * kBf16, gpu);
    };
    us += share * measured(tables_->context_attention(kv_dtype_, heads, kv_heads, a.head_dim,
                                                      window, load.prefill_sequences, full),
                           {double(heads), full, load.prefill_sequences}, roofline);
  }
  if (load.decodes > 0) {
    const double sequence = load.decode_context + 1;
    const auto roofline = [&](const std::array<double, 3>& p, const GpuSpec& gpu) {
      const double keys = window > 0 ? std::min<double>(window, p[2] - 1) : p[2] - 1;
      return roofline_us(4 * p[1] * keys * p[0] * d, gpu.peak_flops_by_dtype.at("bf16"),
                         p[1] * keys * 2.0 * kv_heads * d * kv_bytes, gpu);
    };
    us += measured(tables_->generation_attention(kv_dtype_, heads, kv_heads, a.head_dim, window,
                                                 load.decodes, sequence),
                   {double(heads), load.decodes, sequence}, roofline);
  }
  return us;
}

LayerTime DatabaseOperatorTimer::layer(const RankLoad& load, uint32_t layer) const {
  const ModelCard& c = config_.card;
  const AttentionSpec& a = c.attention;
  const double tp = config_.layout.tensor_parallel;
  const double m = load.tokens, h = static_cast<double>(c.hidden_size);
  LayerTime t;
  if (a.type == AttentionType::kMla) {
    // No MLA tables are shipped: the roofline at efficiency 1 for the whole layer.
    ++counts_.lookups;
    ++counts_.no_table;
    return roofline_.layer(load, layer);
  }
  {
    const double heads = std::max(1.0, a.num_heads / tp);
    const double kv_heads = std::max(1.0, std::ceil(a.num_kv_heads / tp));
    const double d = a.head_dim;
    t.dense += gemm(m, (heads + 2 * kv_heads) * d, h, gemm_dtype_, gemm_weight_bytes_);
    t.dense += gemm(m, h, heads * d, gemm_dtype_, gemm_weight_bytes_);
    t.attention += attention(load, layer);
  }
  const auto ffn = [&](double width) {
    const double f = width / tp;
    const double gated = c.activation == Activation::kSwiglu ? 2.0 : 1.0;
    return gemm(m, gated * f, h, gemm_dtype_, gemm_weight_bytes_) +
           gemm(m, h, f, gemm_dtype_, gemm_weight_bytes_);
  };
  if (c.moe_layers.is_moe(layer)) {
    t.dense += gemm(m, c.num_routed_experts, h, "bfloat16", kBf16);  // the router, replicated
    if (c.num_shared_experts > 0) {
      t.dense += ffn(double(c.num_shared_experts) * c.shared_expert_intermediate_size);
    }
  } else {
    t.dense += ffn(double(c.dense_intermediate_size));
  }
  // Two RMSNorms over the hidden vectors, bandwidth-bound (not in the tables).
  t.dense += 2 * roofline_us(0, 1, 2 * m * h * kBf16, config_.gpu);
  t.total = t.attention + t.dense;
  return t;
}

double DatabaseOperatorTimer::moe_roofline(const OperatorTables::MoeShape& s, double tokens,
                                           const GpuSpec& gpu, double active) const {
  const double matrices = config_.card.activation == Activation::kSwiglu ? 3.0 : 2.0;
  const double pairs = tokens * s.top_k / s.moe_ep;  // rank 0's share of a balanced group
  const double local = double(s.experts) / s.moe_ep;
  if (active <= 0) active = std::min(local, std::max(1.0, pairs));  // balanced: one per pair
  const double width = double(s.hidden) * s.intermediate / s.moe_tp;
  const bool fp8 = s.dtype == "fp8" || s.dtype == "fp8_block";
  return roofline_us(
      2 * matrices * width * pairs, gpu.peak_flops_by_dtype.at(fp8 ? "fp8" : "bf16"),
      active * matrices * width * expert_weight_bytes_ + 2 * pairs * s.hidden * kBf16, gpu);
}

double DatabaseOperatorTimer::experts(const std::vector<uint64_t>& tokens, double) const {
  double pairs = 0, active = 0;
  for (const uint64_t n : tokens) {
    pairs += static_cast<double>(n);
    active += n > 0 ? 1 : 0;
  }
  if (pairs == 0) return 0;
  const double balanced_active = std::min(double(tokens.size()), pairs);
  // A balanced table row activates one local expert per pair up to all of them; routing that
  // piles pairs on fewer experts reads fewer weights: the roofline's ratio of the two.
  const auto active_ratio = [&](const OperatorTables::MoeShape& shape, double group) {
    if (active >= balanced_active) return 1.0;
    return moe_roofline(shape, group, config_.gpu, active) /
           moe_roofline(shape, group, config_.gpu, balanced_active);
  };
  // The group's token count at which a balanced routing gives rank 0 these pairs.
  const double group_tokens = pairs * moe_shape_.moe_ep / moe_shape_.top_k;
  const auto at_least_floor = [&](double us) {
    if (us >= moe_floor_us_) return us;
    ++counts_.at_moe_floor;
    return moe_floor_us_;
  };
  if (!moe_source_) {
    const auto roofline = [&](const std::array<double, 3>& p, const GpuSpec& gpu) {
      return moe_roofline(moe_shape_, p[0], gpu);
    };
    // Moved from the tables' GPU, the balanced time keeps the floor before the routing's
    // active-expert ratio scales it, so this GPU is never slower than the tables' own.
    return active_ratio(moe_shape_, group_tokens) *
           at_least_floor(measured(moe_tables_->moe(moe_shape_, "balanced", group_tokens),
                                   {group_tokens, 0, 0}, roofline));
  }
  // Another shape's measured efficiency at the same token count, applied to this shape.
  ++counts_.transferred;
  const auto source = [&](const std::array<double, 3>& p, const GpuSpec& gpu) {
    return moe_roofline(*moe_source_, p[0], gpu);
  };
  const double source_us = measured(moe_tables_->moe(*moe_source_, "balanced", group_tokens),
                                    {group_tokens, 0, 0}, source);
  const double source_roofline = moe_roofline(*moe_source_, group_tokens, config_.gpu);
  return at_least_floor(active_ratio(moe_shape_, group_tokens) * source_us *
                        moe_roofline(moe_shape_, group_tokens, config_.gpu) / source_roofline);
}

double DatabaseOperatorTimer::embedding(const RankLoad& load) const {
  // A gather of one row per token: bandwidth-bound.
  return roofline_us(0, 1, 2 * load.tokens * double(config_.card.hidden_size) * kBf16, config_.gpu);
}

double DatabaseOperatorTimer::head(const RankLoad& load) const {
  const double tp = config_.layout.tensor_parallel;
  return gemm(load.sequences, double(config_.card.vocab_size) / tp,
              double(config_.card.hidden_size), "bfloat16", kBf16);
}

double DatabaseOperatorTimer::tensor_all_reduce(double tokens) const {
  const double gpus = config_.layout.tensor_parallel;
  if (gpus <= 1 || gpus > 8) return -1.0;  // none, or beyond one node: the machine's model
  const double elements = tokens * double(config_.card.hidden_size);
  const auto hit = tables_->all_reduce(gpus, elements);
  ++counts_.lookups;
  if (!hit) {
    ++counts_.no_table;
    return -1.0;
  }
  if (!hit->clamped) return hit->us;
  ++counts_.beyond;
  // Below the smallest message the time is latency: the edge's. Above the largest it is
  // bandwidth: the edge's time per element.
  return elements > hit->edge[1] ? hit->us * elements / hit->edge[1] : hit->us;
}

double DatabaseOperatorTimer::overhead(std::span<const RankLoad> loads) const {
  return config_.overhead.us(loads);
}

std::string DatabaseOperatorTimer::summary() const {
  std::string line = fmt::format(
      "operator tables {}: {} lookups, {} beyond a table's range (roofline x edge efficiency), "
      "{} without a table (roofline), {} faster than the roofline (raised to it)",
      (tables_->dir().parent_path().filename() / tables_->dir().filename()).string(),
      counts_.lookups, counts_.beyond, counts_.no_table, counts_.below_roofline);
  if (moe_source_) {
    line += fmt::format(
        "; MoE shape {}x{} top-{} of {} experts transferred from the measured "
        "{}x{} top-{} of {} ({} lookups)",
        moe_shape_.hidden, moe_shape_.intermediate, moe_shape_.top_k, moe_shape_.experts,
        moe_source_->hidden, moe_source_->intermediate, moe_source_->top_k, moe_source_->experts,
        counts_.transferred);
  }
  if (moe_floor_us_ > 0) {
    line += fmt::format(
        "; {} MoE times raised to this backend's MoE floor at MoE TP{} x EP{} ({:.1f} us, its "
        "fastest time at the fewest tokens measured)",
        counts_.at_moe_floor, moe_shape_.moe_tp, moe_shape_.moe_ep, moe_floor_us_);
  }
  if (moe_tables_ != tables_) {
    line += fmt::format("; MoE {} kernels from {}'s tables (this backend's have none)",
                        moe_shape_.dtype, config_.format_tables_name);
  }
  const FrameworkOverhead& overhead = config_.overhead;
  if (overhead.graph_us == 0 && overhead.eager_us == 0 && overhead.per_sequence_us == 0 &&
      overhead.per_token_us == 0) {
    // SGLang's is 0 in tables.yaml: no MoE row of the silicon table to fit it on.
    line +=
        "; no framework overhead per iteration (kernel time only: none fitted for this "
        "backend, or framework_overhead none)";
  }
  const FrontEndLatency& front = overhead.front_end;
  if (!front.none()) {
    line += fmt::format(
        "; front end {:.1f} ms per request + {:.1f} us per prompt token + {:.2f} ms per request "
        "in flight",
        front.request_us * 1e-3, front.per_prompt_token_us, front.per_in_flight_us * 1e-3);
  }
  if (!same_gpu_) {
    line += fmt::format("; measured on {}, moved to {} by the roofline ratio of each operator",
                        config_.table_gpu.name, config_.gpu.name);
  }
  return line;
}

}  // namespace moesim
