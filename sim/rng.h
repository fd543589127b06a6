#pragma once
/// Named random-number streams with hand-written distributions.
///
/// Each stream is a std::mt19937_64 seeded from hash(master seed, stream name), so adding a new
/// stream never shifts the draws of another, and the same seed gives the same draws on every
/// standard library (the distributions below are ours, not <random>'s, whose algorithms differ
/// between implementations).

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

/// 64-bit FNV-1a of a string; stable across platforms.
uint64_t fnv1a64(std::string_view text);

/// SplitMix64 finaliser: spreads a 64-bit value over all bits.
uint64_t splitmix64(uint64_t x);

class RngStream {
 public:
  explicit RngStream(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }

  /// Uniform double in [0, 1) from the top 53 bits. Inline: routing draws one per choice.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), unbiased (rejection of the short last interval). n > 0.
  uint64_t uniform_int(uint64_t n);

  /// Normal deviate by the Box-Muller transform (one fresh pair of draws per call).
  double normal(double mean, double stddev);

  /// Exponential deviate with the given rate (mean 1/rate). rate > 0.
  double exponential(double rate);

  /// Binomial deviate: successes in n trials of probability p (in [0, 1]; std::invalid_argument
  /// otherwise). One uniform per call (none when n == 0 or p is 0 or 1), inverted from 0 when
  /// min(p, 1 - p) n < 16 and from the mode outwards otherwise: exact up to rounding, expected
  /// cost O(1 + min(n p, sqrt(n p))).
  uint64_t binomial(uint64_t n, double p);

  /// Gamma deviate with the given shape and scale 1 (mean = variance = shape). shape > 0.
  /// Marsaglia and Tsang (2000), "A simple method for generating gamma variables"; shapes
  /// below 1 use Gamma(shape + 1) * U^(1/shape).
  double gamma(double shape);

  /// Writes k distinct values from [0, n) into `out`, in draw order (partial Fisher-Yates).
  /// `scratch` is reused between calls to avoid allocation. k <= n.
  void sample_distinct(uint32_t n, uint32_t k, std::vector<uint32_t>& scratch,
                       std::vector<uint32_t>& out);

 private:
  std::mt19937_64 engine_;
};

/// The set of named streams of one simulation.
class RngStreams {
 public:
  explicit RngStreams(uint64_t master_seed) : master_seed_(master_seed) {}

  uint64_t master_seed() const { return master_seed_; }

  /// The stream with this name, created on first use with seed hash(master, name).
  RngStream& stream(const std::string& name);

  /// The seed a stream of this name gets; exposed for logs and tests.
  uint64_t seed_for(std::string_view name) const;

 private:
  uint64_t master_seed_;
  std::map<std::string, RngStream, std::less<>> streams_;
};

}  // namespace moesim
