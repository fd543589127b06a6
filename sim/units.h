#pragma once
/// Parsing of quantities with units, as written in scenarios and catalogues.
///
/// Decimal prefixes (k, M, G, T, P) are powers of 1000 and binary prefixes (Ki, Mi, Gi, Ti, Pi)
/// powers of 1024, as in "80 GiB" (memory) vs "900 GB/s" (link rates). A lower-case "b" or
/// "bit" is a bit (1/8 byte): "400 Gb/s" is 50e9 bytes/s. Every parser rejects a missing or
/// unknown unit, trailing text, NaN and negative values with a UnitError that quotes the text
/// and gives an example of what was expected.

#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace moesim {

class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// "2 us", "1.5 ms", "300 ns", "10 ps", "1 s" -> Time (rounded up to whole ps). >= 0.
Time parse_time(std::string_view text);

/// "80 GiB", "9.4 MB", "512 B" -> bytes. >= 0.
double parse_bytes(std::string_view text);

/// "900 GB/s", "50 GiB/s", "400 Gb/s", "25 Gbit/s" -> bytes per second. > 0.
double parse_bandwidth(std::string_view text);

/// "989 TFLOP/s", "989 TFLOPS", "1.2 PFLOP/s" -> floating-point operations per second. > 0.
double parse_flop_rate(std::string_view text);

/// Formats bytes with a binary prefix ("1 MiB", "7.5 GiB"); for summaries and messages.
std::string format_bytes(double bytes);

/// Formats a rate in bytes/s with a decimal prefix ("450 GB/s"); for summaries and messages.
std::string format_bandwidth(double bytes_per_second);

}  // namespace moesim
