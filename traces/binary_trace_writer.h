#pragma once
/// Writes the binary routing trace encoding (.mtr, traces/FORMAT.md): a checked header, blocks
/// of `records_per_block` records packed by column and compressed with zstd, and an end
/// marker. Memory holds at most one block; the file appears under its name only on finish().

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "traces/binary_trace_layout.h"
#include "traces/routing_trace.h"
#include "traces/staged_file.h"

struct ZSTD_CCtx_s;

namespace moesim {

class BinaryTraceWriter : public TraceWriter {
 public:
  /// Throws ConfigError if the header is unusable or the file cannot be created.
  BinaryTraceWriter(const std::filesystem::path& path, TraceHeader header,
                    uint32_t records_per_block = mtr::kDefaultRecordsPerBlock);
  ~BinaryTraceWriter() override;

  /// Throws ConfigError naming the record if one does not fit the header.
  void write(const RoutingBatch& batch) override;
  void finish() override;

 private:
  struct ContextFree {
    void operator()(ZSTD_CCtx_s* context) const;
  };

  void write_header();
  void write_block(const RoutingBatch& batch, size_t begin, size_t end);

  StagedFile file_;
  TraceHeader header_;
  uint32_t records_per_block_;
  std::unique_ptr<ZSTD_CCtx_s, ContextFree> context_;
  RoutingBatch pending_;  ///< records waiting for a full block
  std::string raw_;       ///< one block's columns before compression
  std::string packed_;    ///< block header and compressed columns
  uint64_t records_ = 0;  ///< records accepted so far
  uint64_t choices_ = 0;  ///< expert choices accepted so far
  bool finished_ = false;
};

}  // namespace moesim
