// The `moesim trace` subcommands but generate (cli/trace_generate_command.cpp), one function
// each.

#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/output_directory.h"
#include "cli/trace_commands.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"
#include "traces/import/sglang_dump_reader.h"
#include "traces/import/vllm_routed_experts_reader.h"
#include "traces/metrics/trace_stats.h"
#include "traces/trace_files.h"

namespace moesim {
namespace {

constexpr size_t kCopyBatchRecords = 65536;  // records per read; bounds memory

/// Copies every record of `reader` into a new trace at `out`; prints the counts.
void copy_trace(TraceReader& reader, const std::string& out) {
  const auto writer = open_trace_writer(out, reader.header());
  RoutingBatch batch;
  uint64_t records = 0;
  uint64_t choices = 0;
  while (reader.next(batch, kCopyBatchRecords)) {
    writer->write(batch);
    records += batch.size();
    choices += batch.experts.size();
  }
  writer->finish();
  std::cout << fmt::format("{}: {} records, {} expert choices\n", out, records, choices);
}

RoutingImportOptions import_options(const TraceImportOptions& options) {
  RoutingImportOptions out;
  if (options.model.empty()) {
    out.experts = options.experts.value_or(0);
    out.top_k = options.top_k.value_or(0);
    return out;
  }
  if (options.experts || options.top_k) {
    throw ConfigError(fmt::format("{}: not allowed with --model (the card {} gives it)",
                                  options.experts ? "--experts" : "--top-k", options.model));
  }
  const auto cards = load_model_catalogue(default_model_catalogue_dir());
  const auto card = cards.find(options.model);
  if (card == cards.end()) {
    std::string names;
    for (const auto& [name, unused] : cards) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError(
        fmt::format("--model: unknown model card '{}', expected one of: {}", options.model, names));
  }
  out.model = card->first;
  out.experts = card->second.num_routed_experts;
  out.top_k = card->second.top_k;
  return out;
}

}  // namespace

int trace_convert_command(const TraceConvertOptions& options) {
  const auto reader = open_trace_reader(options.in);
  copy_trace(*reader, options.out);
  return 0;
}

int trace_stats_command(const TraceStatsCommandOptions& options) {
  const std::filesystem::path trace(options.trace);
  const std::filesystem::path out_dir =
      options.out_dir.empty()
          ? std::filesystem::path("out") / ("trace-stats-" + trace.stem().string())
          : std::filesystem::path(options.out_dir);
  const auto reader = open_trace_reader(trace);
  OutputDirectory dir(out_dir);  // before the statistics: a refused path fails at once
  TraceStatsOptions stats_options;
  if (options.no_sch) stats_options.sch_windows.clear();
  const TraceStats stats = compute_trace_stats(*reader, stats_options);
  for (const auto& [name, text] : stats.files) dir.write(name, text);
  dir.commit();
  std::cout << stats.summary << fmt::format("written to {}\n", dir.final_path().string());
  return 0;
}

int trace_import_command(const TraceImportOptions& options) {
  trace_encoding_for_output(options.out);  // a bad name fails before the dump is read
  const RoutingImportOptions import = import_options(options);
  std::unique_ptr<TraceReader> reader;
  if (options.from == "sglang") {
    reader = std::make_unique<SglangDumpReader>(options.in, import);
  } else if (options.from == "vllm") {
    reader = std::make_unique<VllmRoutedExpertsReader>(options.in, import);
  } else {
    throw ConfigError(
        fmt::format("--from: unknown dump format '{}', expected sglang or vllm", options.from));
  }
  copy_trace(*reader, options.out);
  return 0;
}

}  // namespace moesim
