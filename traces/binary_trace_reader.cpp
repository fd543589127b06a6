#include "traces/binary_trace_reader.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <zstd.h>

#include "sim/config_error.h"
#include "traces/binary_trace_layout.h"
#include "traces/crc32.h"
#include "traces/routing_block_codec.h"
#include "traces/trace_checks.h"

namespace moesim {

void BinaryTraceReader::ContextFree::operator()(ZSTD_DCtx_s* context) const {
  ZSTD_freeDCtx(context);
}

BinaryTraceReader::BinaryTraceReader(const std::filesystem::path& path)
    : path_(path.string()), context_(ZSTD_createDCtx()) {
  if (!context_) throw std::runtime_error("zstd: cannot create a decompression context");
  file_ = std::fopen(path_.c_str(), "rb");
  if (file_ == nullptr) throw ConfigError(fmt::format("{}: cannot open file", path_));
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  try {
    if (ec) fail("cannot read the file size");
    read_header();
  } catch (...) {
    std::fclose(file_);
    throw;
  }
}

BinaryTraceReader::~BinaryTraceReader() {
  std::fclose(file_);
}

void BinaryTraceReader::fail(const std::string& what) const {
  throw ConfigError(fmt::format("{}: {}", path_, what));
}

void BinaryTraceReader::read_exact(void* data, size_t size, const char* what) {
  if (file_size_ - offset_ < size || std::fread(data, 1, size, file_) != size) {
    fail(fmt::format("truncated file: {} ends past the end of the file", what));
  }
  offset_ += size;
}

void BinaryTraceReader::read_header() {
  uint8_t start[16];
  if (file_size_ < sizeof start || std::fread(start, 1, sizeof start, file_) != sizeof start ||
      !std::equal(mtr::kMagic.begin(), mtr::kMagic.end(), start)) {
    fail("not a binary routing trace (bad magic; expected the .mtr format)");
  }
  offset_ = sizeof start;
  const uint64_t version = mtr::load_le<4>(start + 8);
  if (version != mtr::kVersion) {
    fail(fmt::format("unsupported binary trace version {} (this build reads version {})", version,
                     mtr::kVersion));
  }
  const uint64_t body_size = mtr::load_le<4>(start + 12);
  if (body_size < mtr::kHeaderFixedBytes ||
      body_size > mtr::kHeaderFixedBytes + mtr::kMaxModelBytes) {
    fail(fmt::format("corrupt header: size {} bytes", body_size));
  }
  std::vector<uint8_t> body(body_size + 4);
  read_exact(body.data(), body.size(), "the header");
  if (crc32(body.data(), body_size) != mtr::load_le<4>(body.data() + body_size)) {
    fail("corrupt header: checksum mismatch");
  }
  header_.layers = static_cast<uint32_t>(mtr::load_le<4>(body.data()));
  header_.experts = static_cast<uint32_t>(mtr::load_le<4>(body.data() + 4));
  header_.top_k = static_cast<uint32_t>(mtr::load_le<4>(body.data() + 8));
  records_per_block_ = static_cast<uint32_t>(mtr::load_le<4>(body.data() + 12));
  const uint64_t model_size = mtr::load_le<4>(body.data() + 16);
  const uint8_t layout = body[20];
  if (model_size != body_size - mtr::kHeaderFixedBytes) fail("corrupt header: model length");
  if (layout > static_cast<uint8_t>(ScoreLayout::full)) {
    fail(fmt::format("header: unknown scores layout {}", layout));
  }
  header_.scores = static_cast<ScoreLayout>(layout);
  header_.model.assign(body.begin() + mtr::kHeaderFixedBytes, body.begin() + body_size);
  const std::string problem = trace_header_problem(header_);
  if (!problem.empty()) fail("header: " + problem);
  if (records_per_block_ == 0) fail("header: records per block must be at least 1");
}

bool BinaryTraceReader::load_block() {
  const BlockPlace place{path_, blocks_ + 1, records_ + 1};
  uint8_t head[mtr::kBlockHeaderBytes];
  const auto where = fmt::format("block {} (from record {})", place.block, place.first_record);
  if (file_size_ - offset_ < 4) {
    fail(fmt::format("truncated file: no end marker after record {}", records_));
  }
  read_exact(head, 4, "the end marker");
  const uint32_t records = static_cast<uint32_t>(mtr::load_le<4>(head));
  if (records == 0) {
    read_end_marker();
    return false;
  }
  read_exact(head + 4, mtr::kBlockHeaderBytes - 4, where.c_str());
  if (records > records_per_block_ || short_block_seen_) {
    fail(
        fmt::format("{}: corrupt block: {} records where the header allows {} per block and "
                    "only the last block may be shorter",
                    where, records, records_per_block_));
  }
  short_block_seen_ = records < records_per_block_;
  const uint64_t raw_size = mtr::load_le<4>(head + 4);
  const uint64_t packed_size = mtr::load_le<4>(head + 8);
  if (packed_size > file_size_ - offset_) {
    fail(fmt::format("truncated file: {} ends past the end of the file", where));
  }
  if (raw_size > mtr::kMaxRawBlockBytes || packed_size > ZSTD_compressBound(raw_size)) {
    fail(fmt::format("{}: corrupt block: sizes {} and {} bytes", where, raw_size, packed_size));
  }
  packed_.resize(packed_size);
  read_exact(packed_.data(), packed_size, where.c_str());
  if (crc32(packed_.data(), packed_size, crc32(head, 12)) != mtr::load_le<4>(head + 12)) {
    fail(fmt::format("{}: corrupt block: checksum mismatch", where));
  }
  raw_.resize(raw_size);
  const size_t got =
      ZSTD_decompressDCtx(context_.get(), raw_.data(), raw_.size(), packed_.data(), packed_size);
  if (ZSTD_isError(got)) {
    fail(fmt::format("{}: corrupt block: zstd: {}", where, ZSTD_getErrorName(got)));
  }
  if (got != raw_size) fail(fmt::format("{}: corrupt block: uncompressed size", where));
  unpack_routing_block(raw_.data(), raw_.size(), records, header_, block_, place);
  ++blocks_;
  records_ += records;
  choices_ += block_.experts.size();
  block_records_ = records;
  cursor_ = 0;
  return true;
}

void BinaryTraceReader::read_end_marker() {
  uint8_t end[mtr::kEndMarkerBytes];
  read_exact(end, sizeof end, "the end marker");
  if (crc32(end, 16) != mtr::load_le<4>(end + 16)) fail("corrupt end marker: checksum mismatch");
  const uint64_t records = mtr::load_le<8>(end);
  const uint64_t choices = mtr::load_le<8>(end + 8);
  if (records != records_ || choices != choices_) {
    fail(
        fmt::format("corrupt end marker: it counts {} records and {} choices, the blocks hold "
                    "{} and {}",
                    records, choices, records_, choices_));
  }
  if (offset_ != file_size_) fail("unexpected bytes after the end marker");
  ended_ = true;
}

bool BinaryTraceReader::next(RoutingBatch& out, size_t max_records) {
  if (max_records == 0) throw std::invalid_argument("next: max_records must be positive");
  if (cursor_ == block_records_ && (ended_ || !load_block())) {
    out.clear();
    return false;
  }
  const size_t take = std::min(max_records, block_records_ - cursor_);
  if (cursor_ == 0 && take == block_records_) {
    // The whole block: hand it over without copying. block_ gets the caller's old vectors,
    // whose sizes often fit the next block, so unpacking it need not zero-fill them.
    std::swap(out, block_);
    cursor_ = block_records_;
    return true;
  }
  const size_t b = cursor_;
  const size_t e = cursor_ + take;
  const auto slice = [&](const auto& from, auto& to) {
    to.assign(from.begin() + static_cast<std::ptrdiff_t>(b),
              from.begin() + static_cast<std::ptrdiff_t>(e));
  };
  slice(block_.step, out.step);
  slice(block_.request, out.request);
  slice(block_.position, out.position);
  slice(block_.phase, out.phase);
  slice(block_.layer, out.layer);
  const auto rebase = [&](const std::vector<uint64_t>& offsets, const auto& values,
                          std::vector<uint64_t>& out_offsets, auto& out_values) {
    out_offsets.resize(take + 1);
    for (size_t i = 0; i <= take; ++i) out_offsets[i] = offsets[b + i] - offsets[b];
    out_values.assign(values.begin() + static_cast<std::ptrdiff_t>(offsets[b]),
                      values.begin() + static_cast<std::ptrdiff_t>(offsets[e]));
  };
  rebase(block_.expert_offsets, block_.experts, out.expert_offsets, out.experts);
  rebase(block_.score_offsets, block_.scores, out.score_offsets, out.scores);
  cursor_ = e;
  return true;
}

}  // namespace moesim
