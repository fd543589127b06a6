#pragma once
/// The rows of a measured serving table in aiconfigurator's silicon-sample columns (the shipped
/// one is scenarios/validation/measured/silicon/silicon_h100.csv; `--table` names another) that
/// `moesim validate --suite silicon` simulates: aggregated-mode rows of an MoE model with a
/// catalogue card (matched by Hugging Face id), on a system of kSiliconSystems, with a known
/// client concurrency. Disaggregated rows are out of scope: moesim has no
/// prefill/decode split yet.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace moesim {

struct SiliconRow {
  size_t line = 0;      ///< in the CSV file
  std::string id;       ///< the table's row id
  std::string backend;  ///< vllm, trtllm, sglang
  std::string model_path, card;
  std::string gpu;  ///< catalogue GPU of the row's system (kSiliconSystems)
  uint32_t isl = 0, osl = 0, concurrency = 0;
  uint32_t batch = 0;  ///< max concurrent requests per engine (per DP rank in the table)
  uint32_t tp = 1, pp = 1, attention_dp = 1, moe_tp = 1, moe_ep = 1;
  double ttft_ms = 0, tpot_ms = 0;
  /// Fit rows set the framework overhead (`moesim calibrate --suite silicon`); the others check.
  bool fit = false;
  /// The id names an expert-parallel size (`_ep<N>`) other than moe_ep_size: the row is
  /// simulated as the id says (read_silicon_rows).
  bool layout_from_id = false;

  uint32_t gpus() const { return tp * attention_dp * pp; }
};

/// aiconfigurator's system names (the table's `system` column) that moesim simulates, with
/// their GPU in topologies/catalogue/gpus.yaml. All three are 8-GPU HGX nodes of NVLink through
/// NVSwitch (../shared/data/aiconfigurator-perf/PROVENANCE.md, "Hosts"), as the suite's base
/// scenario builds them; rows of other systems (gb200's NVL trays, PCIe servers, A100 without
/// fp8) are left out, with the system named.
inline constexpr std::pair<const char*, const char*> kSiliconSystems[] = {
    {"h100_sxm", "H100-SXM"}, {"h200_sxm", "H200"}, {"b200_sxm", "B200"}};

/// The GPU the shipped operator tables and overhead fit were measured on: rows on another GPU
/// are judged in groups of their own ("card / backend on GPU").
inline constexpr const char* kSiliconTablesGpu = "H100-SXM";

/// Concurrencies whose rows fit the overhead model; every other row is a check row.
inline constexpr uint32_t kSiliconFitConcurrencies[] = {8, 64};

struct SiliconRows {
  std::vector<SiliconRow> rows;
  /// Rows left out, with why (disaggregated, dense model, no card, unknown concurrency).
  std::vector<std::pair<std::string, size_t>> skipped;
};

/// Reads the table; `cards` maps Hugging Face ids to catalogue card names. Throws ConfigError
/// naming the file and line of a malformed row.
///
/// A row whose id names an expert-parallel size (`_tp<T>[_0]_ep<E>[_0]_<n>`) that its
/// moe_ep_size contradicts takes the id's layout: one engine of tp_size GPUs with EP E and
/// batch_size x attention_dp_size requests. The table has 15 such rows (MiniMax-M2.5 on vLLM: id
/// tp4_ep4, columns attention DP 4 x EP 16), and their measurements are one engine's: their
/// TPOT repeats the tp4_0_ep4_0 rows' within 1.4% in 13 of 15 pairs, and at 1024/8192 tokens and
/// 64 clients their 20 s TTFT is the queue of a KV cache that 4 data-parallel ranks (16 requests
/// each) would not fill (docs/validation.md, "silicon").
SiliconRows read_silicon_rows(const std::filesystem::path& file,
                              const std::vector<std::pair<std::string, std::string>>& cards);

}  // namespace moesim
