#pragma once
/// Variable-length integers of the binary trace format: LEB128 (7 bits per byte, low group
/// first, high bit set on every byte but the last) and zigzag for signed deltas, so that small
/// steps in either direction take one byte.

#include <cstdint>
#include <string>

namespace moesim::varint {

inline void put(std::string& out, uint64_t v) {
  while (v >= 0x80u) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(v) | 0x80u));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

/// Reads one varint at `p`; false when the input ends or the value exceeds 64 bits.
inline bool get(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  if (p < end && *p < 0x80u) {  // the common one-byte case
    v = *p++;
    return true;
  }
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const uint8_t byte = *p++;
    if (shift == 63 && byte > 1u) return false;
    result |= static_cast<uint64_t>(byte & 0x7Fu) << shift;
    if (byte < 0x80u) {
      v = result;
      return true;
    }
  }
  return false;
}

/// The wrapping difference cur - prev as a zigzag code: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...
inline uint64_t zigzag_delta(uint64_t cur, uint64_t prev) {
  const uint64_t d = cur - prev;
  return (d << 1) ^ (0 - (d >> 63));
}

/// Inverse of zigzag_delta: prev plus the decoded difference (wrapping).
inline uint64_t apply_zigzag_delta(uint64_t prev, uint64_t code) {
  return prev + ((code >> 1) ^ (0 - (code & 1u)));
}

}  // namespace moesim::varint
