#pragma once
/// MoE-Lens stage 1: the theoretical throughput upper bound of CPU-GPU hybrid MoE serving
/// (Yuan, Ma, Talati, arXiv 2504.09345, §5.2). All weights sit in host memory and are streamed
/// to the GPU once per iteration, taking delta = model_bytes / B_IO; the KV cache lives in host
/// DRAM and holds M tokens; the CPU runs decode attention. Then
///   T_max = min(PME * M / delta, T_GPU)   [tokens/s]
/// with the turning point M* = T_GPU * delta / PME where the two terms meet.
/// Host DRAM carries the KV scan and the weight stream, B_KV + B_IO with B_KV = M_bytes / delta
/// (paper's Eq. 5 as summarised). The CPU attention time is moesim's derived stand-in (the
/// paper's CPU compute formula was not recovered): one iteration reads the whole held KV once,
/// M tokens, at attention_flops_per_context_token FLOPs each.

#include <vector>

#include "models/bounds/pme.h"

namespace moesim {

struct MoeLensStage1Inputs {
  double model_bytes = 0;          ///< all weights, streamed host -> GPU once per iteration, bytes
  double kv_bytes_per_token = 0;   ///< KV cache per token over all layers (GQA/MLA-aware), bytes
  double kv_capacity_bytes = 0;    ///< host memory given to the KV cache, bytes
  double host_link_bandwidth = 0;  ///< B_IO, host -> GPU, bytes/s
  double host_memory_bandwidth = 0;  ///< B_DDR, host DRAM, bytes/s (0 = not checked)
  double gpu_tokens_per_s = 0;       ///< T_GPU, the GPU's maximum token throughput, tokens/s
  double cpu_attention_flops = 0;  ///< attainable CPU FLOP/s for decode attention (0 = not checked)
  /// FLOPs per cached token read per decode step, over all layers: 4 * heads * head_dim * layers.
  double attention_flops_per_context_token = 0;
  std::vector<RequestClass> requests;  ///< the (p, g) mix, averaged through PME
};

enum class MoeLensRegime { kKvCapacity, kGpu };

struct MoeLensStage1 {
  double pme = 0;                 ///< pme_average of the mix, 1/token
  double pme_closed_form = 0;     ///< pme_average_closed_form (0 when a class has g = 0), 1/token
  double delta_s = 0;             ///< model_bytes / B_IO, seconds per iteration
  double kv_tokens = 0;           ///< M = kv_capacity_bytes / kv_bytes_per_token, tokens
  double io_tokens_per_s = 0;     ///< PME * M / delta, tokens/s
  double gpu_tokens_per_s = 0;    ///< T_GPU, tokens/s
  double max_tokens_per_s = 0;    ///< T_max = min(io_tokens_per_s, T_GPU), tokens/s
  double turning_kv_tokens = 0;   ///< M* = T_GPU * delta / PME, tokens
  double kv_scan_bandwidth = 0;   ///< B_KV = kv_capacity_bytes / delta, bytes/s
  double host_memory_demand = 0;  ///< B_KV + B_IO, bytes/s
  /// attention_flops_per_context_token * M / cpu_attention_flops, seconds (0 when not checked).
  double cpu_attention_s = 0;
  MoeLensRegime regime = MoeLensRegime::kGpu;  ///< kKvCapacity when PME * M / delta < T_GPU
  bool host_memory_over = false;    ///< B_KV + B_IO > B_DDR (checked only when B_DDR > 0)
  bool cpu_attention_over = false;  ///< cpu_attention_s > delta (checked only when CPU FLOP/s > 0)
};

/// Throws std::invalid_argument for non-positive model bytes, KV bytes per token, KV capacity,
/// host link bandwidth or T_GPU; for negative B_DDR, CPU FLOP/s or attention FLOPs per token;
/// and for an invalid request mix (see check_request_mix).
void check_stage1_inputs(const MoeLensStage1Inputs& in);

/// Stage 1 of MoE-Lens for `in`. Throws as check_stage1_inputs.
MoeLensStage1 moe_lens_stage1(const MoeLensStage1Inputs& in);

}  // namespace moesim
