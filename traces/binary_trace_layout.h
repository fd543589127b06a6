#pragma once
/// Constants of the binary routing trace encoding (.mtr); traces/FORMAT.md describes the
/// layout they belong to.

#include <array>
#include <cstdint>
#include <string>

namespace moesim::mtr {

/// 0x89 first so that text tools see binary; CR LF and 0x1A detect text-mode mangling.
inline constexpr std::array<uint8_t, 8> kMagic = {0x89, 'M', 'T', 'R', '\r', '\n', 0x1A, '\n'};
inline constexpr uint32_t kVersion = 1;

/// Fixed part of the header body: layers, experts, top_k, records_per_block, model length
/// (u32 each) and the score layout (u8).
inline constexpr uint32_t kHeaderFixedBytes = 5 * 4 + 1;
/// Longest model name accepted, bytes; keeps a corrupt length from allocating gigabytes.
inline constexpr uint32_t kMaxModelBytes = 4096;

/// Block header: records, raw size, packed size, CRC-32 (u32 each). records == 0 starts the
/// end marker instead.
inline constexpr uint32_t kBlockHeaderBytes = 16;
/// End marker after its leading zero: total records (u64), total choices (u64), CRC-32 (u32).
inline constexpr uint32_t kEndMarkerBytes = 20;

/// Records per block the writer uses unless told otherwise.
inline constexpr uint32_t kDefaultRecordsPerBlock = 65536;
/// Largest uncompressed block, bytes: bounds a reader's memory whatever a corrupt header says.
inline constexpr uint32_t kMaxRawBlockBytes = 1u << 30;

/// zstd level of the writer: level 3 (zstd's default) compresses these columns within a few
/// percent of level 9 at several times the speed.
inline constexpr int kZstdLevel = 3;

/// Bytes per expert id in a block: the narrowest of 1, 2 or 4 that holds every id below
/// `experts`.
inline constexpr uint32_t expert_id_bytes(uint32_t experts) {
  return experts <= 0x100u ? 1 : experts <= 0x10000u ? 2 : 4;
}

/// Appends `v` little-endian in `Bytes` bytes.
template <int Bytes>
inline void append_le(std::string& out, uint64_t v) {
  for (int b = 0; b < Bytes; ++b) out.push_back(static_cast<char>(v >> (8 * b)));
}

/// Reads a little-endian value of `Bytes` bytes.
template <int Bytes>
inline uint64_t load_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int b = 0; b < Bytes; ++b) v |= static_cast<uint64_t>(p[b]) << (8 * b);
  return v;
}

}  // namespace moesim::mtr
