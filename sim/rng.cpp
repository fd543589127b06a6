#include "sim/rng.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace moesim {

uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV offset basis
  for (const char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;  // FNV prime
  }
  return h;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double RngStream::uniform01() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

uint64_t RngStream::uniform_int(uint64_t n) {
  if (n == 0) throw std::invalid_argument("uniform_int needs n > 0");
  // Lemire's multiply-shift ("Fast random integer generation in an interval", ACM TOMACS 2019):
  // the high word of x * n is uniform in [0, n) once the low words below 2^64 mod n are
  // rejected; the division is needed only when a low word falls under n.
  __extension__ using Wide = unsigned __int128;
  Wide product = static_cast<Wide>(engine_()) * n;
  auto low = static_cast<uint64_t>(product);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      product = static_cast<Wide>(engine_()) * n;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

double RngStream::normal(double mean, double stddev) {
  const double u1 = 1.0 - uniform01();  // (0, 1], so log is finite
  const double u2 = uniform01();
  const double r = std::sqrt(-2.0 * std::log(u1));
  return mean + stddev * r * std::cos(2.0 * std::numbers::pi * u2);
}

double RngStream::exponential(double rate) {
  if (!(rate > 0.0)) throw std::invalid_argument("exponential needs rate > 0");
  return -std::log(1.0 - uniform01()) / rate;
}

double RngStream::gamma(double shape) {
  if (!(shape > 0.0)) throw std::invalid_argument("gamma needs shape > 0");
  if (shape < 1.0) {
    const double u = 1.0 - uniform01();  // (0, 1]
    return gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = normal(0.0, 1.0);
    const double t = 1.0 + c * x;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    const double u = 1.0 - uniform01();  // (0, 1], so log is finite
    // The squeeze accepts most draws without a logarithm.
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

void RngStream::sample_distinct(uint32_t n, uint32_t k, std::vector<uint32_t>& scratch,
                                std::vector<uint32_t>& out) {
  if (k > n) throw std::invalid_argument("sample_distinct needs k <= n");
  if (scratch.size() != n) {
    scratch.resize(n);
    for (uint32_t i = 0; i < n; ++i) scratch[i] = i;
  }
  // The scratch permutation is left as it is between calls: any permutation is a valid start.
  out.clear();
  for (uint32_t i = 0; i < k; ++i) {
    const uint32_t j = i + static_cast<uint32_t>(uniform_int(n - i));
    std::swap(scratch[i], scratch[j]);
    out.push_back(scratch[i]);
  }
}

uint64_t RngStreams::seed_for(std::string_view name) const {
  return splitmix64(master_seed_ ^ splitmix64(fnv1a64(name)));
}

RngStream& RngStreams::stream(const std::string& name) {
  auto it = streams_.find(name);
  if (it == streams_.end()) it = streams_.emplace(name, RngStream(seed_for(name))).first;
  return it->second;
}

}  // namespace moesim
