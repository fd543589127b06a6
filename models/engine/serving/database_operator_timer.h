#pragma once
/// Operator times looked up in one serving backend's measured tables (OperatorTables, on the
/// GPU they were measured on) for the operators of a model card, per GPU of the layout:
///   attention: the qkv and output projections (GEMMs), context attention over each prompt
///     chunk (queried at the chunk's full length and scaled by the share of the causal square it
///     computes, as aiconfigurator does for a cached prefix), generation attention over each
///     decode's context; sliding-window layers at their window;
///   router (bf16 GEMM), shared experts and dense FFNs (GEMMs);
///   routed experts: one expert-parallel rank's fused MoE layer at the token count that gives a
///     balanced group its pairs (pairs x EP / top-k), so each rank's own routed load sets its
///     time; when the routing puts those pairs on fewer experts than the balanced row does (one
///     per pair up to all local experts), the time is scaled by the roofline's ratio for the two
///     active-expert counts (fewer weights read in the memory-bound regime);
///   tensor-parallel all-reduce: the backend's custom all-reduce (one node, up to 8 GPUs);
///   LM head: a bf16 GEMM over the sequences' last tokens.
/// A lookup beyond a table's range takes the roofline scaled by the efficiency measured at the
/// table's edge; a MoE shape the table lacks takes the efficiency of the nearest measured shape
/// of the same precision (for MXFP4 experts, from another backend's MXFP4 kernel on the same GPU
/// before this backend's INT4 one), but on the tables' GPU no less than the fastest time this
/// backend's own MoE kernels measure at their fewest tokens at the same MoE TP x EP split (their
/// latency floor, which the roofline ratio of a narrow slice would undercut); an operator with no
/// table at all (MLA attention) takes the roofline at efficiency 1. A time below the operator's
/// roofline (a cache-warm benchmark) is raised to it. On a GPU other than the tables' one, every
/// time is scaled by the ratio of the two GPUs' roofline times for that operator (compute-bound
/// work by the peak FLOP/s ratio, memory-bound work by the bandwidth ratio). summary() counts all
/// of these.

#include <string>
#include <vector>

#include "models/cost_model/operator_tables.h"
#include "models/engine/serving/framework_overhead.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/engine/serving/roofline_operator_timer.h"
#include "models/engine/serving/serving_operator_timer.h"
#include "models/layer_operators.h"
#include "models/model_card.h"
#include "models/weight_format.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct DatabaseTimerConfig {
  ModelCard card;
  GpuSpec gpu;        ///< the scenario's GPU
  GpuSpec table_gpu;  ///< the GPU the tables were measured on
  ParallelLayout layout;
  Dtype kv_cache = Dtype::kBf16;  ///< of the cached keys and values (bf16 or fp8)
  FrameworkOverhead overhead;
  /// Another backend's tables on the same GPU, named, for a 4-bit MoE format that `tables` has no
  /// kernel of (MXFP4: both vLLM and TRT-LLM run OpenAI's Triton MXFP4 MoE kernels on Hopper);
  /// null: none.
  const OperatorTables* format_tables = nullptr;
  std::string format_tables_name;
};

class DatabaseOperatorTimer final : public ServingOperatorTimer {
 public:
  /// `tables` must outlive the timer.
  DatabaseOperatorTimer(DatabaseTimerConfig config, const OperatorTables& tables);

  LayerTime layer(const RankLoad& load, uint32_t layer) const override;
  double experts(const std::vector<uint64_t>& tokens, double moe_tensor_parallel) const override;
  double embedding(const RankLoad& load) const override;
  double head(const RankLoad& load) const override;
  double tensor_all_reduce(double tokens) const override;
  double overhead(std::span<const RankLoad> loads) const override;
  FrontEndLatency front_end() const override { return config_.overhead.front_end; }
  std::string summary() const override;

  /// Lookups so far: all, beyond a table's range, of a MoE shape transferred from another
  /// (and of those, raised to the backend's MoE floor), with no table (roofline), and measured
  /// faster than the roofline (raised to it).
  struct Counts {
    uint64_t lookups = 0, beyond = 0, transferred = 0, at_moe_floor = 0, no_table = 0,
             below_roofline = 0;
  };
  const Counts& counts() const { return counts_; }

 private:
  /// Roofline time, microseconds, of `flops` at `peak` FLOP/s and `bytes` on `gpu`.
  static double roofline_us(double flops, double peak, double bytes, const GpuSpec& gpu);
  /// A measured time from a lookup: the value inside the table; beyond it, the roofline at the
  /// query scaled by the edge's efficiency; then moved to the scenario's GPU. `roofline(point,
  /// gpu)` is the operator's roofline time at a lookup point.
  template <typename Roofline>
  double measured(const std::optional<TableLookup>& hit, const std::array<double, 3>& query,
                  const Roofline& roofline) const;
  double gemm(double m, double n, double k, const std::string& dtype, double weight_bytes) const;
  double attention(const RankLoad& load, uint32_t layer) const;
  /// The fused MoE's roofline on rank 0 of a balanced group of `tokens`, with `active` local
  /// experts holding its pairs (<= 0: one per pair, as balanced routing gives).
  double moe_roofline(const OperatorTables::MoeShape& shape, double tokens, const GpuSpec& gpu,
                      double active = 0) const;

  DatabaseTimerConfig config_;
  const OperatorTables* tables_;
  const OperatorTables* moe_tables_;               // tables_, or config_.format_tables for the MoE
  RooflineOperatorTimer roofline_;                 // MLA layers (no tables shipped)
  std::string kv_dtype_, gemm_dtype_, moe_dtype_;  // the tables' names
  double gemm_weight_bytes_ = 0, expert_weight_bytes_ = 0;
  OperatorTables::MoeShape moe_shape_;                  // the model's own
  std::optional<OperatorTables::MoeShape> moe_source_;  // the measured shape used
  double moe_floor_us_ = 0;  // a MoE time scaled by a roofline ratio: the backend's MoE floor
  bool same_gpu_ = true;
  mutable Counts counts_;
};

}  // namespace moesim
