#include "models/cost_model/operator_tables.h"

#include <fmt/format.h>

#include <array>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kUsPerMs = 1e3;

/// The columns of `table` by name, in the order given.
template <size_t N>
std::array<size_t, N> columns(const CsvTable& table, const std::array<const char*, N>& names) {
  std::array<size_t, N> index{};
  for (size_t i = 0; i < N; ++i) index[i] = table.column(names[i]);
  return index;
}

std::string attention_key(const std::string& kv_dtype, uint32_t heads, uint32_t kv_heads,
                          uint32_t head_dim, uint32_t window) {
  // Multi-head attention (as many KV heads as query heads) is stored as 0 KV heads, as in
  // aiconfigurator's loader (attention.rs normalize_kv), so that one key covers every head count.
  const uint32_t kv = kv_heads == heads ? 0 : kv_heads;
  return fmt::format("{}|{}|{}|{}", kv_dtype, kv, head_dim, window);
}

RaggedGridTable& table_of(std::map<std::string, RaggedGridTable>& tables, const std::string& key,
                          size_t axes) {
  auto it = tables.find(key);
  if (it == tables.end()) {
    it = tables
             .emplace(key, RaggedGridTable(axes, RaggedGridTable::Beyond::kClamp,
                                           RaggedGridTable::Repeats::kKeepFirst))
             .first;
  }
  return it->second;
}

}  // namespace

std::string OperatorTables::MoeShape::key(const std::string& distribution) const {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", dtype, distribution, top_k, experts, hidden,
                     intermediate, moe_tp, moe_ep);
}

OperatorTables OperatorTables::load(const std::filesystem::path& dir) {
  OperatorTables t;
  t.dir_ = dir;
  {
    const CsvTable csv = CsvTable::read(dir / "gemm_perf.csv");
    const auto c = columns<5>(csv, {"gemm_dtype", "m", "n", "k", "latency"});
    for (size_t r = 0; r < csv.rows(); ++r) {
      const std::array<double, 3> point{csv.number(r, c[1]), csv.number(r, c[2]),
                                        csv.number(r, c[3])};
      table_of(t.gemm_, csv.cell(r, c[0]), 3).add(point, csv.number(r, c[4]) * kUsPerMs);
    }
  }
  {
    const CsvTable csv = CsvTable::read(dir / "context_attention_perf.csv");
    const auto c =
        columns<9>(csv, {"attn_dtype", "kv_cache_dtype", "num_heads", "num_key_value_heads",
                         "head_dim", "window_size", "batch_size", "isl", "latency"});
    for (size_t r = 0; r < csv.rows(); ++r) {
      if (csv.cell(r, c[0]) != "bfloat16") continue;  // attention runs in bf16 (fp8 FMHA unused)
      const auto heads = static_cast<uint32_t>(csv.number(r, c[2]));
      const std::string key = attention_key(
          csv.cell(r, c[1]), heads, static_cast<uint32_t>(csv.number(r, c[3])),
          static_cast<uint32_t>(csv.number(r, c[4])), static_cast<uint32_t>(csv.number(r, c[5])));
      const std::array<double, 3> point{double(heads), csv.number(r, c[7]), csv.number(r, c[6])};
      table_of(t.context_, key, 3).add(point, csv.number(r, c[8]) * kUsPerMs);
    }
  }
  {
    const CsvTable csv = CsvTable::read(dir / "generation_attention_perf.csv");
    const auto c =
        columns<9>(csv, {"kv_cache_dtype", "num_heads", "num_key_value_heads", "head_dim",
                         "window_size", "batch_size", "isl", "step", "latency"});
    for (size_t r = 0; r < csv.rows(); ++r) {
      const auto heads = static_cast<uint32_t>(csv.number(r, c[1]));
      const std::string key = attention_key(
          csv.cell(r, c[0]), heads, static_cast<uint32_t>(csv.number(r, c[2])),
          static_cast<uint32_t>(csv.number(r, c[3])), static_cast<uint32_t>(csv.number(r, c[4])));
      const double sequence = csv.number(r, c[6]) + csv.number(r, c[7]);  // new + cached
      const std::array<double, 3> point{double(heads), csv.number(r, c[5]), sequence};
      table_of(t.generation_, key, 3).add(point, csv.number(r, c[8]) * kUsPerMs);
    }
  }
  {
    const CsvTable csv = CsvTable::read(dir / "moe_perf.csv");
    const auto c =
        columns<10>(csv, {"moe_dtype", "distribution", "topk", "num_experts", "hidden_size",
                          "inter_size", "moe_tp_size", "moe_ep_size", "num_tokens", "latency"});
    for (size_t r = 0; r < csv.rows(); ++r) {
      const auto whole = [&](size_t i) { return static_cast<uint32_t>(csv.number(r, c[i])); };
      const MoeShape shape{csv.cell(r, c[0]), whole(2), whole(3), whole(4),
                           whole(5),          whole(6), whole(7)};
      const std::string key = shape.key(csv.cell(r, c[1]));
      t.moe_shapes_.emplace(key, shape);
      const std::array<double, 1> point{csv.number(r, c[8])};
      table_of(t.moe_, key, 1).add(point, csv.number(r, c[9]) * kUsPerMs);
    }
  }
  {
    const CsvTable csv = CsvTable::read(dir / "custom_allreduce_perf.csv");
    const auto c = columns<4>(csv, {"kernel_source", "num_gpus", "message_size", "latency"});
    for (size_t r = 0; r < csv.rows(); ++r) {
      // CUDA-graph rows only, the production path (aiconfigurator drops the eager ones;
      // TRT-LLM's rows, "TRTLLM", are all captured).
      if (csv.cell(r, c[0]).ends_with("_eager")) continue;
      const std::array<double, 2> point{csv.number(r, c[1]), csv.number(r, c[2])};
      table_of(t.all_reduce_, "graph", 2).add(point, csv.number(r, c[3]) * kUsPerMs);
    }
  }
  if (t.gemm_.empty() || t.moe_.empty()) {
    throw ConfigError(
        fmt::format("{}: the operator tables hold no GEMM or no MoE row", dir.string()));
  }
  return t;
}

std::optional<TableLookup> OperatorTables::find(const Tables& tables, const std::string& key,
                                                std::span<const double> point) {
  const auto it = tables.find(key);
  if (it == tables.end()) return std::nullopt;
  TableLookup result;
  result.clamped = it->second.clamped_value(
      point, std::span<double>(result.edge.data(), point.size()), result.us);
  return result;
}

std::optional<TableLookup> OperatorTables::gemm(const std::string& dtype, double m, double n,
                                                double k) const {
  const std::array<double, 3> point{m, n, k};
  return find(gemm_, dtype, point);
}

std::optional<TableLookup> OperatorTables::context_attention(const std::string& kv_dtype,
                                                             uint32_t heads, uint32_t kv_heads,
                                                             uint32_t head_dim, uint32_t window,
                                                             double batch, double isl) const {
  const std::array<double, 3> point{double(heads), isl, batch};
  return find(context_, attention_key(kv_dtype, heads, kv_heads, head_dim, window), point);
}

std::optional<TableLookup> OperatorTables::generation_attention(const std::string& kv_dtype,
                                                                uint32_t heads, uint32_t kv_heads,
                                                                uint32_t head_dim, uint32_t window,
                                                                double batch,
                                                                double sequence) const {
  const std::array<double, 3> point{double(heads), batch, sequence};
  return find(generation_, attention_key(kv_dtype, heads, kv_heads, head_dim, window), point);
}

std::optional<TableLookup> OperatorTables::moe(const MoeShape& shape,
                                               const std::string& distribution,
                                               double tokens) const {
  const std::array<double, 1> point{tokens};
  return find(moe_, shape.key(distribution), point);
}

std::vector<OperatorTables::MoeShape> OperatorTables::moe_shapes(
    const std::string& dtype, const std::string& distribution) const {
  std::vector<MoeShape> shapes;
  for (const auto& [key, shape] : moe_shapes_) {
    if (shape.dtype == dtype && key == shape.key(distribution)) shapes.push_back(shape);
  }
  return shapes;
}

std::optional<double> OperatorTables::moe_floor_us(uint32_t moe_tp, uint32_t moe_ep) const {
  std::optional<double> floor;
  for (const auto& [key, shape] : moe_shapes_) {
    if (shape.moe_tp != moe_tp || shape.moe_ep != moe_ep || key != shape.key("balanced")) continue;
    const auto first = moe(shape, "balanced", 0.0);  // below the first point: the first value
    if (first && (!floor || first->us < *floor)) floor = first->us;
  }
  return floor;
}

std::optional<TableLookup> OperatorTables::all_reduce(double gpus, double elements) const {
  const std::array<double, 2> point{gpus, elements};
  return find(all_reduce_, "graph", point);
}

}  // namespace moesim
