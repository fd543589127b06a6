#pragma once
/// The `moesim trace` subcommands: convert, stats, generate and import routing traces
/// (traces/FORMAT.md). Each returns the process exit code (0 success); bad options and input
/// throw ConfigError (exit 2), other failures std::exception (exit 1), as in cli/commands.h.

#include <cstdint>
#include <optional>
#include <string>

namespace moesim {

struct TraceConvertOptions {
  std::string in;   ///< trace to read, either encoding (detected from its content)
  std::string out;  ///< trace to write; the extension (.jsonl or .mtr) picks the encoding
};

struct TraceStatsCommandOptions {
  std::string trace;    ///< trace to read, either encoding
  std::string out_dir;  ///< "" means out/trace-stats-<trace stem>
  bool no_sch = false;  ///< skip SCH, the one statistic that holds the whole trace in memory
};

struct TraceGenerateOptions {
  std::string model;                  ///< catalogue card; calibrated: Mixtral-8x7B or OLMoE-1B-7B
  std::string generator;              ///< calibrated, uniform or zipf
  uint64_t tokens = 0;                ///< tokens routed through every MoE layer
  std::optional<std::string> domain;  ///< calibrated only; default a scenario's (c4)
  std::optional<double> skew;         ///< zipf only; default a scenario's (1.0)
  uint64_t requests = 1;              ///< the tokens are split over this many requests
  uint64_t seed = 0;
  std::string out;  ///< .jsonl or .mtr
};

struct TraceImportOptions {
  std::string from;   ///< sglang or vllm
  std::string in;     ///< the other tool's dump
  std::string out;    ///< .jsonl or .mtr
  std::string model;  ///< catalogue card giving the header's name, experts and top-k; may be ""
  std::optional<uint32_t> experts;  ///< without a card: routed experts per layer
  std::optional<uint32_t> top_k;    ///< without a card: nominal choices per token
};

/// `moesim trace convert IN OUT`: rewrites a routing trace in the other (or the same)
/// encoding, record for record; prints one line with the counts.
int trace_convert_command(const TraceConvertOptions& options);

/// `moesim trace stats TRACE`: every routing statistic of traces/metrics/trace_stats.h, as CSV
/// files in a staged output directory; prints the summary.
int trace_stats_command(const TraceStatsCommandOptions& options);

/// `moesim trace generate`: writes a synthetic or calibrated trace, streaming in batches so that
/// memory does not grow with the token count; prints one line with the counts.
int trace_generate_command(const TraceGenerateOptions& options);

/// `moesim trace import --from sglang|vllm IN OUT`: converts another tool's routing dump into a
/// canonical trace; prints one line with the counts.
int trace_import_command(const TraceImportOptions& options);

}  // namespace moesim
