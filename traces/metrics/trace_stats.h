#pragma once
/// Every routing statistic of a trace in one pass over a TraceReader: per-layer loads and
/// their summary, top-C coverage, co-activation, cross-layer predictability, SRP and SCH. The
/// result is a set of CSV texts and a printed summary; `moesim trace stats` writes them.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim {

struct TraceStatsOptions {
  /// Layer pairs for predictability; empty: every consecutive pair plus (0, 7), (7, 15) and
  /// (0, 15) where the trace has those layers (the pairs the OLMoE analysis measured).
  std::vector<std::pair<uint32_t, uint32_t>> layer_pairs;
  std::vector<uint32_t> srp_segments{4, 16, 64, 256};  ///< SRP segment lengths m (tokens)
  std::vector<uint32_t> sch_windows{4, 16, 64,
                                    256};  ///< SCH oracle windows m (tokens); empty skips SCH
  size_t batch_records = 65536;            ///< records read per call
};

struct TraceStats {
  /// File name -> CSV text: layer_loads.csv, expert_loads.csv, coverage.csv,
  /// coactivation.csv, crosslayer.csv, srp.csv, sch.csv.
  std::map<std::string, std::string> files;
  std::string summary;  ///< a few lines for the terminal
};

/// Reads `reader` to its end. Throws ConfigError for a record naming a layer or expert beyond
/// the header.
TraceStats compute_trace_stats(TraceReader& reader, const TraceStatsOptions& options = {});

/// compute_trace_stats, then writes the files into `out_dir` (created if needed) and returns
/// the summary.
std::string run_trace_stats(TraceReader& reader, const std::filesystem::path& out_dir,
                            const TraceStatsOptions& options = {});

}  // namespace moesim
