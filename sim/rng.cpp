#include "sim/rng.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

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

namespace {

constexpr uint64_t kLogFactorialTable = 4096;  // batches of up to this many tokens: no log

/// log(n!): a table up to kLogFactorialTable, else Stirling's series (relative error below
/// 1e-15 from there on).
double log_factorial(uint64_t n) {
  static const std::vector<double> table = [] {
    std::vector<double> t(kLogFactorialTable, 0.0);
    for (uint64_t i = 1; i < kLogFactorialTable; ++i)
      t[i] = t[i - 1] + std::log(static_cast<double>(i));
    return t;
  }();
  if (n < kLogFactorialTable) return table[n];
  const double x = static_cast<double>(n), inv = 1.0 / x, inv2 = inv * inv;
  return x * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi * x) +
         inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0));
}

/// x^n by repeated squaring: about 2 log2(n) multiplications, relative error ~1e-15 for the
/// n below 2^16 it serves; cheaper than exp(n log x).
double power(double x, uint64_t n) {
  double result = 1.0;
  for (; n > 0; n >>= 1, x *= x) {
    if (n & 1) result *= x;
  }
  return result;
}

}  // namespace

uint64_t RngStream::binomial(uint64_t n, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("binomial needs p in [0, 1]");
  if (n == 0 || p == 0.0) return 0;
  if (p == 1.0) return n;
  if (p > 0.5) return n - binomial(n, 1.0 - p);
  const double trials = static_cast<double>(n);
  const double odds = p / (1.0 - p);
  double rest = uniform01();
  if (trials * p < 16.0) {
    // Inversion from 0: P(x + 1) = P(x) (n - x) / (x + 1) p / (1 - p).
    double f = n < (uint64_t{1} << 16) ? power(1.0 - p, n) : std::exp(trials * std::log1p(-p));
    uint64_t x = 0;
    while (rest >= f && x < n) {
      rest -= f;
      f *= odds * static_cast<double>(n - x) / static_cast<double>(x + 1);
      ++x;
    }
    return x;
  }
  // Inversion in the order mode, mode + 1, mode - 1, mode + 2, ...: about 2 standard
  // deviations of steps.
  const auto mode = static_cast<uint64_t>((trials + 1.0) * p);
  const double m = static_cast<double>(mode);
  const double f_mode = std::exp(log_factorial(n) - log_factorial(mode) - log_factorial(n - mode) +
                                 m * std::log(p) + (trials - m) * std::log1p(-p));
  if ((rest -= f_mode) < 0.0) return mode;
  uint64_t up = mode, down = mode;
  double f_up = f_mode, f_down = f_mode;
  while (up < n || down > 0) {
    if (up < n) {
      f_up *= odds * static_cast<double>(n - up) / static_cast<double>(up + 1);
      ++up;
      if ((rest -= f_up) < 0.0) return up;
    }
    if (down > 0) {
      f_down *= static_cast<double>(down) / (odds * static_cast<double>(n - down + 1));
      --down;
      if ((rest -= f_down) < 0.0) return down;
    }
  }
  return mode;  // rounding left the uniform above the total
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
