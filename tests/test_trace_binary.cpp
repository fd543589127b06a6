// The binary routing trace encoding (.mtr): exact round trips across blocks and id widths,
// streaming in any batch size, and detection of bad magic, versions, truncation and corrupt
// blocks, each as one line naming the file.

#include <filesystem>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/routing_samples.h"
#include "support/scenario_files.h"
#include "traces/binary_trace_layout.h"
#include "traces/binary_trace_reader.h"
#include "traces/binary_trace_writer.h"
#include "traces/crc32.h"

using Catch::Matchers::Contains;
using moesim::BinaryTraceReader;
using moesim::BinaryTraceWriter;
using moesim::ConfigError;
using moesim::RoutingBatch;
using moesim::ScoreLayout;
using moesim::TraceHeader;
using moesim::test::read_all_records;
using moesim::test::read_text;
using moesim::test::routing_difference;
using moesim::test::sample_routing;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

const TraceHeader kHeader{"Mixtral-8x7B", 32, 8, 2, ScoreLayout::per_choice};

/// Writes `records` with blocks of `per_block` records, in two uneven write() calls.
void write_trace(const fs::path& file, const TraceHeader& header, const RoutingBatch& records,
                 uint32_t per_block) {
  BinaryTraceWriter writer(file, header, per_block);
  RoutingBatch first;
  RoutingBatch second;
  for (size_t i = 0; i < records.size(); ++i) {
    (i < records.size() / 3 ? first : second).push(records.record(i));
  }
  writer.write(first);
  writer.write(second);
  writer.finish();
}

/// The error of reading the whole file, or "" if it reads cleanly.
std::string read_error(const fs::path& file) {
  try {
    BinaryTraceReader reader(file);
    read_all_records(reader, 1000);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

/// Offset of the first block: magic, version, header size, header body, header CRC.
size_t first_block_offset(const TraceHeader& header) {
  return 16 + moesim::mtr::kHeaderFixedBytes + header.model.size() + 4;
}

void store_u32(std::string& bytes, size_t at, uint32_t v) {
  for (int b = 0; b < 4; ++b) bytes[at + b] = static_cast<char>(v >> (8 * b));
}

}  // namespace

TEST_CASE("binary traces read back exactly for every id width and score layout", "[traces]") {
  TempDir dir("mtr-roundtrip");
  for (const uint32_t experts : {8u, 300u, 70000u}) {
    for (const ScoreLayout layout :
         {ScoreLayout::none, ScoreLayout::per_choice, ScoreLayout::full}) {
      const TraceHeader header{"m", 7, experts, 4, layout};
      const size_t count = layout == ScoreLayout::full && experts > 1000 ? 40 : 1000;
      const RoutingBatch records = sample_routing(header, count);
      write_trace(dir / "t.mtr", header, records, 64);
      BinaryTraceReader reader(dir / "t.mtr");
      CHECK(reader.header().model == "m");
      CHECK(reader.header().layers == 7);
      CHECK(reader.header().experts == experts);
      CHECK(reader.header().top_k == 4);
      CHECK(reader.header().scores == layout);
      CHECK(reader.records_per_block() == 64);
      INFO("experts " << experts << " layout " << static_cast<int>(layout));
      CHECK(routing_difference(read_all_records(reader, 100000), records) == "");
    }
  }
}

TEST_CASE("binary reading in small batches gives the same records", "[traces]") {
  TempDir dir("mtr-streaming");
  const RoutingBatch records = sample_routing(kHeader, 1000);
  write_trace(dir / "t.mtr", kHeader, records, 100);
  for (const size_t batch : {size_t{1}, size_t{3}, size_t{100}, size_t{250}}) {
    BinaryTraceReader reader(dir / "t.mtr");
    RoutingBatch part;
    size_t largest = 0;
    RoutingBatch all;
    while (reader.next(part, batch)) {
      largest = std::max(largest, part.size());
      for (size_t i = 0; i < part.size(); ++i) all.push(part.record(i));
    }
    INFO("batch " << batch);
    CHECK(largest == std::min<size_t>(batch, 100));  // never more than one block
    CHECK(routing_difference(all, records) == "");
  }
}

TEST_CASE("an empty binary trace reads as no records", "[traces]") {
  TempDir dir("mtr-empty");
  BinaryTraceWriter writer(dir / "t.mtr", kHeader);
  writer.finish();
  BinaryTraceReader reader(dir / "t.mtr");
  RoutingBatch batch;
  CHECK_FALSE(reader.next(batch, 10));
  CHECK_FALSE(reader.next(batch, 10));
}

TEST_CASE("binary trace with bad magic or version is rejected", "[traces]") {
  TempDir dir("mtr-magic");
  const auto file = dir / "t.mtr";
  write_text(file, "{\"format\":\"moesim-routing\"}\n");
  CHECK(read_error(file) ==
        file.string() + ": not a binary routing trace (bad magic; expected the .mtr format)");
  write_trace(file, kHeader, sample_routing(kHeader, 10), 4);
  std::string bytes = read_text(file);
  store_u32(bytes, 8, 7);
  write_text(file, bytes);
  CHECK(read_error(file) ==
        file.string() + ": unsupported binary trace version 7 (this build reads version 1)");
}

TEST_CASE("a truncated binary trace is an error, not a shorter trace", "[traces]") {
  TempDir dir("mtr-truncated");
  const auto file = dir / "t.mtr";
  write_trace(file, kHeader, sample_routing(kHeader, 300), 100);
  const std::string whole = read_text(file);
  const size_t blocks_end = whole.size() - 4 - moesim::mtr::kEndMarkerBytes;
  struct Cut {
    size_t size;
    std::string message;
  };
  const Cut cuts[] = {
      {20, "truncated file: the header ends past the end of the file"},
      {first_block_offset(kHeader) + 10,
       "truncated file: block 1 (from record 1) ends past the end of the file"},
      {first_block_offset(kHeader) + 40,
       "truncated file: block 1 (from record 1) ends past the end of the file"},
      {blocks_end, "truncated file: no end marker after record 300"},
      {whole.size() - 3, "truncated file: the end marker ends past the end of the file"},
  };
  for (const Cut& cut : cuts) {
    write_text(file, whole.substr(0, cut.size));
    INFO("cut at " << cut.size);
    CHECK(read_error(file) == file.string() + ": " + cut.message);
  }
  write_text(file, whole + "x");
  CHECK(read_error(file) == file.string() + ": unexpected bytes after the end marker");
}

TEST_CASE("a corrupt binary block is detected by its checksum or by zstd", "[traces]") {
  TempDir dir("mtr-corrupt");
  const auto file = dir / "t.mtr";
  write_trace(file, kHeader, sample_routing(kHeader, 300), 100);
  const std::string whole = read_text(file);
  const size_t block = first_block_offset(kHeader);

  std::string flipped = whole;
  flipped[block + 16 + 5] ^= 0x40;
  write_text(file, flipped);
  CHECK(read_error(file) ==
        file.string() + ": block 1 (from record 1): corrupt block: checksum mismatch");

  // A damaged zstd frame under a CRC that matches it: zstd itself must refuse it.
  std::string bad_frame = whole;
  const uint32_t packed = static_cast<uint32_t>(
      moesim::mtr::load_le<4>(reinterpret_cast<const uint8_t*>(bad_frame.data() + block + 8)));
  bad_frame[block + 16] ^= 0x01;  // the zstd magic number
  const uint32_t crc = moesim::crc32(bad_frame.data() + block + 16, packed,
                                     moesim::crc32(bad_frame.data() + block, 12));
  store_u32(bad_frame, block + 12, crc);
  write_text(file, bad_frame);
  CHECK_THAT(read_error(file),
             Contains(file.string() + ": block 1 (from record 1): corrupt block: zstd: "));

  std::string header = whole;
  header[16] ^= 0x01;  // layers
  write_text(file, header);
  CHECK(read_error(file) == file.string() + ": corrupt header: checksum mismatch");
}

TEST_CASE("binary writer rejects records that do not fit the header", "[traces]") {
  TempDir dir("mtr-writer-check");
  RoutingBatch batch;
  const uint32_t experts[] = {1, 2};
  const float one_score[] = {1.0f};
  batch.push({0, 0, 0, moesim::TokenPhase::prefill, 0, experts, one_score});
  BinaryTraceWriter writer(dir / "t.mtr", kHeader);
  CHECK_THROWS_WITH(writer.write(batch),
                    (dir / "t.mtr").string() +
                        ": record 1: 1 scores for 2 experts (scores layout per_choice: one per "
                        "choice)");
  CHECK_THROWS_WITH(BinaryTraceWriter(dir / "u.mtr", TraceHeader{"m", 0, 8, 2}),
                    (dir / "u.mtr").string() + ": header: layers must be at least 1");
}

TEST_CASE("binary records are checked against the header while reading", "[traces]") {
  TempDir dir("mtr-record-check");
  const auto file = dir / "t.mtr";
  const TraceHeader header{"m", 6, 8, 2, ScoreLayout::none};
  // Record 2 chooses expert 7 (the largest id) and record 6 layer 5 (the last layer).
  write_trace(file, header, sample_routing(header, 50), 16);
  const std::string whole = read_text(file);
  const size_t body_size = moesim::mtr::kHeaderFixedBytes + header.model.size();
  const auto with_header = [&](uint32_t layers, uint32_t experts) {
    std::string bytes = whole;
    store_u32(bytes, 16, layers);
    store_u32(bytes, 20, experts);
    store_u32(bytes, 16 + body_size, moesim::crc32(bytes.data() + 16, body_size));
    write_text(file, bytes);
    return read_error(file);
  };
  CHECK(with_header(6, 8) == "");
  CHECK(with_header(6, 7) ==
        file.string() + ": record 2 (block 1): expert 7 is not below the header's experts (7)");
  CHECK(with_header(5, 8) ==
        file.string() + ": record 6 (block 1): layer 5 is not below the header's layers (5)");
}

TEST_CASE("crc32 gives the standard check value, also when continued", "[traces]") {
  const std::string text = "123456789";
  CHECK(moesim::crc32(text.data(), text.size()) == 0xCBF43926u);
  const std::string longer = "The quick brown fox jumps over the lazy dog";
  CHECK(moesim::crc32(longer.data(), longer.size()) == 0x414FA339u);
  CHECK(moesim::crc32(longer.data() + 10, longer.size() - 10, moesim::crc32(longer.data(), 10)) ==
        0x414FA339u);
}
