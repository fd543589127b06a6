#pragma once
/// CRC-32 (the IEEE 802.3 / zlib polynomial, reflected) of a byte range; the binary trace
/// format uses it to detect corrupt or truncated headers and blocks.

#include <cstddef>
#include <cstdint>

namespace moesim {

/// Continues a CRC: crc32(b, crc32(a)) equals the CRC of a followed by b. Start with 0.
uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

}  // namespace moesim
