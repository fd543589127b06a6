#pragma once
/// One serving backend's measured operator latencies on one GPU (aiconfigurator's tables,
/// topologies/measured/operators/PROVENANCE.md): dense GEMMs, context and generation attention,
/// the fused MoE layer and the custom all-reduce. Lookups interpolate linearly between measured
/// points, axis by axis (RaggedGridTable); beyond a table's range they return the value at its
/// edge and the edge's coordinates, so that the caller can scale the roofline by the efficiency
/// measured there (OperatorDatabaseCost).
///
/// Every latency is microseconds here (the files hold milliseconds). Heads are per GPU.

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/cost_model/ragged_grid_table.h"

namespace moesim {

/// The tables' name of the MXFP4 MoE kernel (weights MXFP4, activations bf16).
inline constexpr const char* kMxfp4MoeKernel = "w4a16_mxfp4";

/// A measured value and, when the query lay outside the table, the point it was clamped to.
struct TableLookup {
  double us = 0.0;
  bool clamped = false;
  std::array<double, 3> edge{};  ///< the axes of the table's query, in its order
};

class OperatorTables {
 public:
  /// Reads the five tables of `dir` (a backend folder such as h100_sxm/vllm_0.19.0). Throws
  /// ConfigError naming the file and line of a missing file, column or malformed value.
  static OperatorTables load(const std::filesystem::path& dir);

  /// `dtype`: "bfloat16", "fp8" or "fp8_block"; m tokens, n x k per-GPU weights. nullopt when
  /// the table has no row of that dtype.
  std::optional<TableLookup> gemm(const std::string& dtype, double m, double n, double k) const;
  /// `batch` sequences of `isl` new tokens each, no cached prefix. `window` 0 is full attention.
  std::optional<TableLookup> context_attention(const std::string& kv_dtype, uint32_t heads,
                                               uint32_t kv_heads, uint32_t head_dim,
                                               uint32_t window, double batch, double isl) const;
  /// `batch` sequences of one new token each over `sequence` tokens (cached + new).
  std::optional<TableLookup> generation_attention(const std::string& kv_dtype, uint32_t heads,
                                                  uint32_t kv_heads, uint32_t head_dim,
                                                  uint32_t window, double batch,
                                                  double sequence) const;
  /// Rank 0 of a moe_tp x moe_ep group with `tokens` tokens entering the layer, routed
  /// `distribution` ("balanced", "power_law_1.01", "power_law_1.2").
  struct MoeShape {
    std::string dtype;
    uint32_t top_k = 0, experts = 0, hidden = 0, intermediate = 0, moe_tp = 1, moe_ep = 1;
    std::string key(const std::string& distribution) const;
  };
  std::optional<TableLookup> moe(const MoeShape& shape, const std::string& distribution,
                                 double tokens) const;
  /// The measured MoE shapes of `dtype` under `distribution` (to transfer from when the model's
  /// own is missing).
  std::vector<MoeShape> moe_shapes(const std::string& dtype, const std::string& distribution) const;
  /// The fastest balanced MoE time measured at a shape's fewest tokens, over every dtype and
  /// shape at split `moe_tp` x `moe_ep`: how fast this backend's MoE kernels have run at that
  /// split at all (launch and small-GEMM latency). nullopt when no shape has that split.
  std::optional<double> moe_floor_us(uint32_t moe_tp, uint32_t moe_ep) const;
  /// A CUDA-graph custom all-reduce of `elements` bf16 values over `gpus` GPUs of one node.
  std::optional<TableLookup> all_reduce(double gpus, double elements) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  using Tables = std::map<std::string, RaggedGridTable>;
  static std::optional<TableLookup> find(const Tables& tables, const std::string& key,
                                         std::span<const double> point);

  std::filesystem::path dir_;
  Tables gemm_, context_, generation_, moe_, all_reduce_;
  std::map<std::string, MoeShape> moe_shapes_;  // by key
};

}  // namespace moesim
