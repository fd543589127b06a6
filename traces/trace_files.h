#pragma once
/// Opens routing trace files in either encoding (traces/FORMAT.md): JSON Lines (.jsonl) or
/// the compact binary format (.mtr).

#include <filesystem>
#include <memory>

#include "traces/routing_trace.h"

namespace moesim {

enum class TraceEncoding { jsonl, binary };

/// The encoding of an existing file, from its first bytes: the .mtr magic means binary, a
/// '{' (after spaces) JSON Lines. Throws ConfigError naming the file otherwise.
TraceEncoding detect_trace_encoding(const std::filesystem::path& path);

/// The encoding to write, from the extension: ".jsonl" or ".mtr". Throws ConfigError for any
/// other name.
TraceEncoding trace_encoding_for_output(const std::filesystem::path& path);

/// A reader of either encoding, chosen by content.
std::unique_ptr<TraceReader> open_trace_reader(const std::filesystem::path& path);

/// A writer of the encoding named by the extension. The file appears on finish().
std::unique_ptr<TraceWriter> open_trace_writer(const std::filesystem::path& path,
                                               const TraceHeader& header);

}  // namespace moesim
