#pragma once
/// Reads the binary routing trace encoding (.mtr, traces/FORMAT.md) one block at a time.
/// Every header, block and the end marker are checked (magic, version, CRC-32, zstd, column
/// sizes, ids against the header); a file that stops before its end marker is an error.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "traces/routing_trace.h"

struct ZSTD_DCtx_s;

namespace moesim {

class BinaryTraceReader : public TraceReader {
 public:
  /// Opens the file and reads its header; throws ConfigError naming the file when it cannot.
  explicit BinaryTraceReader(const std::filesystem::path& path);
  ~BinaryTraceReader() override;
  BinaryTraceReader(const BinaryTraceReader&) = delete;
  BinaryTraceReader& operator=(const BinaryTraceReader&) = delete;

  const TraceHeader& header() const override { return header_; }
  /// Returns records of one block at most per call.
  bool next(RoutingBatch& out, size_t max_records) override;

  uint32_t records_per_block() const { return records_per_block_; }

 private:
  struct ContextFree {
    void operator()(ZSTD_DCtx_s* context) const;
  };

  void read_header();
  /// Reads, checks and unpacks the next block into block_; false at the end marker.
  bool load_block();
  void read_end_marker();
  /// Reads exactly `size` bytes or throws a truncation error mentioning `what`.
  void read_exact(void* data, size_t size, const char* what);
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t file_size_ = 0;
  uint64_t offset_ = 0;  ///< bytes read so far
  TraceHeader header_;
  uint32_t records_per_block_ = 0;
  std::unique_ptr<ZSTD_DCtx_s, ContextFree> context_;
  std::vector<uint8_t> packed_;
  std::vector<uint8_t> raw_;
  RoutingBatch block_;
  size_t block_records_ = 0;  ///< records in block_ (block_ may have been swapped out)
  size_t cursor_ = 0;         ///< next record of the block to hand out
  uint64_t blocks_ = 0;       ///< blocks read
  uint64_t records_ = 0;      ///< records in the blocks read
  uint64_t choices_ = 0;      ///< expert choices in the blocks read
  bool short_block_seen_ = false;
  bool ended_ = false;
};

}  // namespace moesim
