#pragma once
/// How a generated workload draws its input and output lengths (tokens): fixed, uniform,
/// lognormal by mean and standard deviation, or resampled from a file of observed lengths.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace moesim {

enum class LengthKind : uint8_t { fixed, uniform, lognormal, resample };

struct LengthSpec {
  LengthKind kind = LengthKind::fixed;
  uint32_t value = 1;            ///< fixed: the length
  uint32_t low = 1;              ///< uniform: smallest length, inclusive
  uint32_t high = 1;             ///< uniform: largest length, inclusive
  double mean = 1.0;             ///< lognormal: mean of the lengths (tokens)
  double stddev = 0.0;           ///< lognormal: standard deviation of the lengths (tokens)
  std::vector<uint32_t> values;  ///< resample: the observed lengths, drawn with replacement
};

/// Parses "N" (fixed), "uniform:LOW:HIGH", "lognormal:MEAN:STD" or "file:PATH" (one length
/// per line). Throws ConfigError naming `what` (e.g. "--input") and the accepted forms.
LengthSpec parse_length_spec(const std::string& text, const std::string& what);

/// Positive integers, one per line (blank lines skipped); throws ConfigError naming the file
/// and line of anything else, or if the file has none.
std::vector<uint32_t> read_length_file(const std::filesystem::path& file);

/// One length >= 1. Lognormal draws exp(mu + sigma Z) with sigma^2 = ln(1 + std^2/mean^2) and
/// mu = ln(mean) - sigma^2/2 (so the draws have the given mean and std), rounded to the
/// nearest integer and clamped to [1, 2^32 - 1].
uint32_t sample_length(const LengthSpec& spec, RngStream& rng);

}  // namespace moesim
