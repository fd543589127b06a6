#include "traces/binary_trace_writer.h"

#include <stdexcept>

#include <fmt/format.h>
#include <zstd.h>

#include "sim/config_error.h"
#include "traces/crc32.h"
#include "traces/routing_block_codec.h"
#include "traces/trace_checks.h"

namespace moesim {

void BinaryTraceWriter::ContextFree::operator()(ZSTD_CCtx_s* context) const {
  ZSTD_freeCCtx(context);
}

BinaryTraceWriter::BinaryTraceWriter(const std::filesystem::path& path, TraceHeader header,
                                     uint32_t records_per_block)
    : file_(path),
      header_(std::move(header)),
      records_per_block_(records_per_block),
      context_(ZSTD_createCCtx()) {
  const std::string problem = trace_header_problem(header_);
  if (!problem.empty()) throw ConfigError(fmt::format("{}: header: {}", path.string(), problem));
  if (header_.model.size() > mtr::kMaxModelBytes) {
    throw ConfigError(fmt::format("{}: header: model name longer than {} bytes", path.string(),
                                  mtr::kMaxModelBytes));
  }
  if (records_per_block_ == 0) throw std::invalid_argument("records_per_block must be positive");
  if (!context_) throw std::runtime_error("zstd: cannot create a compression context");
  ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_compressionLevel, mtr::kZstdLevel);
  write_header();
}

BinaryTraceWriter::~BinaryTraceWriter() = default;

void BinaryTraceWriter::write_header() {
  std::string body;
  mtr::append_le<4>(body, header_.layers);
  mtr::append_le<4>(body, header_.experts);
  mtr::append_le<4>(body, header_.top_k);
  mtr::append_le<4>(body, records_per_block_);
  mtr::append_le<4>(body, header_.model.size());
  body.push_back(static_cast<char>(header_.scores));
  body += header_.model;
  std::string head(mtr::kMagic.begin(), mtr::kMagic.end());
  mtr::append_le<4>(head, mtr::kVersion);
  mtr::append_le<4>(head, body.size());
  head += body;
  mtr::append_le<4>(head, crc32(body.data(), body.size()));
  file_.write(head);
}

void BinaryTraceWriter::write(const RoutingBatch& batch) {
  if (finished_) throw std::logic_error("BinaryTraceWriter::write after finish");
  check_batch_fits_header(header_, batch, file_.final_path().string(), records_);
  records_ += batch.size();
  choices_ += batch.experts.size();

  size_t i = 0;
  while (!pending_.empty() && i < batch.size()) {
    pending_.push(batch.record(i++));
    if (pending_.size() == records_per_block_) {
      write_block(pending_, 0, pending_.size());
      pending_.clear();
    }
  }
  // Whole blocks straight from the caller's batch, without a copy.
  for (; batch.size() - i >= records_per_block_; i += records_per_block_) {
    write_block(batch, i, i + records_per_block_);
  }
  for (; i < batch.size(); ++i) pending_.push(batch.record(i));
}

void BinaryTraceWriter::write_block(const RoutingBatch& batch, size_t begin, size_t end) {
  raw_.clear();
  pack_routing_block(batch, begin, end, header_, raw_);
  if (raw_.size() > mtr::kMaxRawBlockBytes) {
    throw std::runtime_error(fmt::format("{}: a block of {} records takes {} bytes, over {}",
                                         file_.final_path().string(), end - begin, raw_.size(),
                                         mtr::kMaxRawBlockBytes));
  }
  packed_.clear();
  mtr::append_le<4>(packed_, end - begin);
  mtr::append_le<4>(packed_, raw_.size());
  mtr::append_le<4>(packed_, 0);  // packed size, set below
  mtr::append_le<4>(packed_, 0);  // CRC-32, set below
  packed_.resize(mtr::kBlockHeaderBytes + ZSTD_compressBound(raw_.size()));
  const size_t packed_size =
      ZSTD_compress2(context_.get(), packed_.data() + mtr::kBlockHeaderBytes,
                     packed_.size() - mtr::kBlockHeaderBytes, raw_.data(), raw_.size());
  if (ZSTD_isError(packed_size)) {
    throw std::runtime_error(fmt::format("zstd: {}", ZSTD_getErrorName(packed_size)));
  }
  packed_.resize(mtr::kBlockHeaderBytes + packed_size);
  std::string sizes;
  mtr::append_le<4>(sizes, packed_size);
  packed_.replace(8, 4, sizes);
  // The CRC covers the three size fields and the compressed bytes.
  const uint32_t crc =
      crc32(packed_.data() + mtr::kBlockHeaderBytes, packed_size, crc32(packed_.data(), 12));
  std::string crc_bytes;
  mtr::append_le<4>(crc_bytes, crc);
  packed_.replace(12, 4, crc_bytes);
  file_.write(packed_);
}

void BinaryTraceWriter::finish() {
  if (finished_) throw std::logic_error("BinaryTraceWriter::finish twice");
  if (!pending_.empty()) write_block(pending_, 0, pending_.size());
  pending_.clear();
  std::string end;
  mtr::append_le<4>(end, 0);
  mtr::append_le<8>(end, records_);
  mtr::append_le<8>(end, choices_);
  mtr::append_le<4>(end, crc32(end.data() + 4, 16));
  file_.write(end);
  file_.commit();
  finished_ = true;
}

}  // namespace moesim
