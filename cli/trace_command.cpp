// The `moesim trace` subcommands, one function each.

#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "traces/trace_files.h"

namespace moesim {
namespace {

constexpr size_t kConvertBatchRecords = 65536;  // records per read; bounds memory

}  // namespace

int trace_convert_command(const TraceConvertOptions& options) {
  const auto reader = open_trace_reader(options.in);
  const auto writer = open_trace_writer(options.out, reader->header());
  RoutingBatch batch;
  uint64_t records = 0;
  uint64_t choices = 0;
  while (reader->next(batch, kConvertBatchRecords)) {
    writer->write(batch);
    records += batch.size();
    choices += batch.experts.size();
  }
  writer->finish();
  std::cout << fmt::format("{}: {} records, {} expert choices\n", options.out, records, choices);
  return 0;
}

}  // namespace moesim
