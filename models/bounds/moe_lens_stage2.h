#pragma once
/// MoE-Lens stage 2: achievable throughput with a finite request pool, paged KV blocks,
/// prefill/decode overlap and a profiled GPU time line (Yuan, Ma, Talati, arXiv 2504.09345,
/// §5.2, Eqs. 7-14). The paper's stage-2 equations were not recovered verbatim; what follows is
/// moesim's reading of them, chosen so that with blocks of 1 token, no overlap and an unbounded
/// pool, tokens per iteration equal stage 1's PME * M.
///
/// For a mix of classes (p, g, w):
/// * Held KV, paged: a sequence at context c holds ceil(c / b) * b tokens. The held tokens per
///   resident sequence, H = sum_w sum_{j=0..g} ceil((p + j) / b) b / sum_w (g + 1), averages over
///   every step of every life (a class is resident in proportion to w (g + 1)).
/// * Parallel tokens per sequence-step, r = sum w (p + g) / sum w (g + 1): the prompt counts as
///   parallel work spread over the sequence's g + 1 steps, as in PME's numerator.
/// * Overlap (Eq. 7): f = (p + g) / (p + g / 2) per class, averaged with weights w (p + g), when
///   prefill overlaps decode; else 1. Effective KV tokens M_eff = f * M.
/// * Concurrent sequences S = min(K, floor(M_eff / H)).
/// * Per-layer transfer t_L = delta / layers; saturation tokens
///   n_real = max(0, (t_L - intercept) / slope), the most tokens one layer's GPU work finishes
///   while the next layer streams.
/// * Tokens per iteration n = min(S r, n_real); when n_real = 0 (the intercept alone exceeds
///   t_L, so no batch keeps up with the stream) the cap is dropped and n = S r.
/// * Iteration time max(delta, layers (intercept + slope n)); io rate n / delta; GPU rate
///   n / (layers (intercept + slope n)).
/// * Iterations to serve the pool: each iteration advances n / r sequence-steps (S when S binds),
///   so iterations = ceil(K avg_w(g + 1) / (n / r)).
/// * Prologue: one layer's transfer t_L before the first compute; epilogue: one layer's GPU time.
///   total = prologue + iterations * iteration time + epilogue (the paper's Eq. 12 counts N - 1
///   main stages between them; moesim counts all N, a slightly lower throughput).
/// * tokens_per_s = K avg_w(p + g) / total, parallel tokens per second as stage 1's T.
/// * Regime kKvCapacity when n is limited by S (S r <= n_real) and delta >= the GPU time, else
///   kGpu.

#include <cstdint>
#include <span>
#include <utility>

#include "models/bounds/moe_lens_stage1.h"

namespace moesim {

/// GPU time of one layer for n tokens = intercept_s + seconds_per_token * n, seconds.
struct GpuTimeLine {
  double intercept_s = 0;        ///< seconds
  double seconds_per_token = 0;  ///< seconds/token
};

/// Least-squares line through (tokens, seconds) samples. Throws std::invalid_argument for
/// fewer than 2 distinct token counts, or negative or non-finite samples.
GpuTimeLine fit_gpu_time_line(std::span<const std::pair<double, double>> tokens_and_seconds);

struct MoeLensStage2Inputs {
  /// Model bytes, KV bytes per token, KV capacity, B_IO and the request mix are used; T_GPU,
  /// B_DDR and the CPU fields are not (the GPU is described by gpu_layer).
  MoeLensStage1Inputs stage1;
  uint32_t layers = 0;                 ///< layers streamed per iteration
  uint64_t request_pool = 0;           ///< K, requests to serve (finite)
  uint32_t block_tokens = 16;          ///< b, paged KV block size, tokens
  bool prefill_decode_overlap = true;  ///< apply Eq. 7's effective capacity
  GpuTimeLine gpu_layer;               ///< per-layer GPU time line
};

struct MoeLensStage2 {
  double effective_kv_tokens = 0;   ///< M_eff = f M, tokens
  double overlap_factor = 1;        ///< f
  double saturation_tokens = 0;     ///< n_real, tokens
  double tokens_per_iteration = 0;  ///< n, parallel tokens
  double io_tokens_per_s = 0;       ///< n / delta, tokens/s
  double gpu_tokens_per_s = 0;      ///< n / (layers (intercept + slope n)), tokens/s
  double tokens_per_s = 0;          ///< K avg(p + g) / total_s, tokens/s
  double iterations = 0;            ///< main iterations to serve the pool
  double prologue_s = 0;            ///< seconds
  double epilogue_s = 0;            ///< seconds
  double total_s = 0;               ///< seconds
  MoeLensRegime regime = MoeLensRegime::kGpu;
  double concurrent_sequences = 0;      ///< S
  double held_tokens_per_sequence = 0;  ///< H, tokens
  double parallel_tokens_per_step = 0;  ///< r, tokens per sequence-step
  double iteration_s = 0;               ///< max(delta, layers (intercept + slope n)), seconds
};

/// Eq. 7's factor f averaged with weights w (p + g). Throws as check_request_mix.
double prefill_decode_overlap_factor(std::span<const RequestClass> requests);

/// H above: held tokens per resident sequence with blocks of `block_tokens`. Throws
/// std::invalid_argument for block_tokens = 0 or an invalid mix.
double held_tokens_per_sequence(std::span<const RequestClass> requests, uint32_t block_tokens);

/// r above: sum w (p + g) / sum w (g + 1). Throws as check_request_mix.
double parallel_tokens_per_sequence_step(std::span<const RequestClass> requests);

/// Stage 2 for `in`. Throws std::invalid_argument for invalid stage-1 fields it uses, zero
/// layers, pool or block size, a negative intercept, a non-positive slope, or a KV capacity that
/// holds no whole sequence.
MoeLensStage2 moe_lens_stage2(const MoeLensStage2Inputs& in);

}  // namespace moesim
