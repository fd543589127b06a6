#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/rng.h"

using moesim::RngStream;
using moesim::RngStreams;

// The pinned values below were recorded from this implementation. They must not change between
// standard libraries: the engine is std::mt19937_64 (whose output the C++ standard fixes) and
// every distribution is hand-written on top of it, not taken from <random>. A change here means
// every recorded run changes its draws.
TEST_CASE("RngStreams draws are pinned for seed 42, stream routing", "[rng]") {
  RngStreams streams(42);
  // seed = splitmix64(42 ^ splitmix64(fnv1a64("routing")))
  CHECK(streams.seed_for("routing") == 8105932539040470185ULL);

  RngStream& routing = streams.stream("routing");
  // the sequence of draws from that seed
  CHECK(routing.next_u64() == 5244460135931657281ULL);
  CHECK(routing.uniform01() == 0.17461676292839223);
  // uniform_int(n) is the high word of draw x n (Lemire): floor(x3 * 10 / 2^64) and
  // floor(x4 * 1000 / 2^64) for the third and fourth raw draws of this stream
  CHECK(routing.uniform_int(10) == 1);
  CHECK(routing.uniform_int(1000) == 289);
  // normal and exponential go through libm's log, sqrt and cos, which may differ in the last
  // ulp between C libraries, hence the relative tolerance of 1e-12
  CHECK(routing.normal(0.0, 1.0) == Approx(-2.0316523833368128).epsilon(1e-12));
  CHECK(routing.exponential(2.0) == Approx(0.66809941136173678).epsilon(1e-12));
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> picked;
  routing.sample_distinct(8, 3, scratch, picked);
  CHECK(picked == std::vector<uint32_t>{0, 5, 6});
}

TEST_CASE("fnv1a64 and splitmix64 match their published definitions", "[rng]") {
  // FNV-1a of the empty string is the offset basis 0xcbf29ce484222325
  CHECK(moesim::fnv1a64("") == 0xcbf29ce484222325ULL);
  // FNV-1a of "a" is 0xaf63dc4c8601ec8c (published test vector)
  CHECK(moesim::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  // SplitMix64 of 0 is 0xe220a8397b1dcdaf (first output of the reference generator seeded 0)
  CHECK(moesim::splitmix64(0) == 0xe220a8397b1dcdafULL);
}

TEST_CASE("Streams with different names give different draws", "[rng]") {
  RngStreams streams(42);
  // "routing" and "arrivals" get different seeds from the same master seed
  CHECK(streams.seed_for("routing") != streams.seed_for("arrivals"));
  // and their first draws differ
  CHECK(streams.stream("routing").next_u64() != streams.stream("arrivals").next_u64());
}

TEST_CASE("seed_for depends on both the master seed and the name", "[rng]") {
  RngStreams a(42);
  RngStreams b(43);
  // same name, master seeds 42 and 43: different seeds
  CHECK(a.seed_for("routing") != b.seed_for("routing"));
  // same master seed, same name: the same seed every time
  CHECK(a.seed_for("routing") == RngStreams(42).seed_for("routing"));
  // master_seed() reports what was given
  CHECK(a.master_seed() == 42);
  // the stream is seeded with exactly seed_for(name)
  CHECK(a.stream("routing").next_u64() == RngStream(a.seed_for("routing")).next_u64());
}

TEST_CASE("Adding a stream does not shift another stream's draws", "[rng]") {
  RngStreams alone(7);
  RngStreams crowded(7);
  std::vector<uint64_t> alone_draws;
  std::vector<uint64_t> crowded_draws;
  for (int i = 0; i < 5; ++i) alone_draws.push_back(alone.stream("arrivals").next_u64());
  for (int i = 0; i < 5; ++i) {
    // interleave draws from two other streams, one created only now
    crowded.stream("routing").next_u64();
    crowded_draws.push_back(crowded.stream("arrivals").next_u64());
    crowded.stream("new-stream-" + std::to_string(i)).uniform01();
  }
  // "arrivals" yields the same five values with or without the other streams
  CHECK(crowded_draws == alone_draws);
}

TEST_CASE("stream returns the same object for the same name", "[rng]") {
  RngStreams streams(3);
  RngStream& first = streams.stream("routing");
  streams.stream("other");
  // creating another stream keeps the reference valid: the same object comes back
  CHECK(&streams.stream("routing") == &first);
}

TEST_CASE("uniform01 lies between 0 inclusive and 1 exclusive", "[rng]") {
  RngStream rng(11);
  double low = 1.0;
  double high = 0.0;
  double sum = 0.0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = rng.uniform01();
    low = std::min(low, u);
    high = std::max(high, u);
    sum += u;
  }
  // every draw is in [0, 1)
  CHECK(low >= 0.0);
  CHECK(high < 1.0);
  // mean 0.5, standard error sqrt(1/12 / 1e5) = 0.0009: 0.005 is more than 5 standard errors
  CHECK(sum / kDraws == Approx(0.5).margin(0.005));
}

TEST_CASE("uniform_int is in range and unbiased", "[rng]") {
  RngStream rng(2024);
  constexpr uint64_t kBuckets = 10;
  constexpr int kDraws = 100'000;
  std::array<int, kBuckets> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t v = rng.uniform_int(kBuckets);
    // each draw is in [0, 10)
    REQUIRE(v < kBuckets);
    ++counts[v];
  }
  const double expected = static_cast<double>(kDraws) / kBuckets;
  double chi_square = 0.0;
  for (const int c : counts) chi_square += (c - expected) * (c - expected) / expected;
  // 9 degrees of freedom: the 99.9th percentile of chi-square is 27.9; a fair generator exceeds
  // it one time in a thousand, a biased one (e.g. one bucket 5% light) lands far above it
  CHECK(chi_square < 27.9);
}

TEST_CASE("uniform_int handles the edges of its range", "[rng]") {
  RngStream rng(5);
  // n = 1 has only one value, 0
  CHECK(rng.uniform_int(1) == 0);
  // n = 0 is an empty range
  CHECK_THROWS_AS(rng.uniform_int(0), std::invalid_argument);
  // n = 2^63 + 1 rejects almost half the raw values; draws are still below n
  const uint64_t n = (uint64_t{1} << 63) + 1;
  for (int i = 0; i < 1000; ++i) REQUIRE(rng.uniform_int(n) < n);
}

TEST_CASE("uniform_int rejects the short last interval instead of folding it", "[rng]") {
  RngStream rng(6);
  // n = 3 * 2^62: a plain x % n would map the top quarter of 64-bit values onto [0, 2^62),
  // making the first third of the range twice as likely as the others (1/2 instead of 1/3)
  const uint64_t n = uint64_t{3} << 62;
  const uint64_t first_third = uint64_t{1} << 62;
  constexpr int kDraws = 6000;
  int in_first_third = 0;
  for (int i = 0; i < kDraws; ++i) {
    if (rng.uniform_int(n) < first_third) ++in_first_third;
  }
  // unbiased: 2000 of 6000 expected, standard deviation sqrt(6000 * 1/3 * 2/3) = 37; the folded
  // version would give 3000, so a margin of 200 (over 5 deviations) tells them apart
  CHECK(in_first_third == Approx(2000).margin(200));
}

TEST_CASE("sample_distinct gives k distinct values below n", "[rng]") {
  RngStream rng(99);
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> picked;
  for (int round = 0; round < 200; ++round) {
    rng.sample_distinct(64, 8, scratch, picked);
    // 8 values, all below 64, no repeats
    REQUIRE(picked.size() == 8);
    REQUIRE(std::all_of(picked.begin(), picked.end(), [](uint32_t v) { return v < 64; }));
    REQUIRE(std::set<uint32_t>(picked.begin(), picked.end()).size() == 8);
  }

  // k = n is a full permutation of 0..n-1
  rng.sample_distinct(16, 16, scratch, picked);
  std::vector<uint32_t> sorted = picked;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint32_t> all(16);
  for (uint32_t i = 0; i < 16; ++i) all[i] = i;
  CHECK(sorted == all);

  // a smaller n with the same scratch vector still draws from the new, smaller range [0, 4)
  rng.sample_distinct(4, 4, scratch, picked);
  std::sort(picked.begin(), picked.end());
  CHECK(picked == std::vector<uint32_t>{0, 1, 2, 3});

  // k = 0 gives nothing
  rng.sample_distinct(10, 0, scratch, picked);
  CHECK(picked.empty());
}

TEST_CASE("sample_distinct rejects k greater than n", "[rng]") {
  RngStream rng(1);
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> picked;
  // 5 distinct values cannot come from [0, 4)
  CHECK_THROWS_AS(rng.sample_distinct(4, 5, scratch, picked), std::invalid_argument);
}

TEST_CASE("sample_distinct picks every value equally often", "[rng]") {
  RngStream rng(31);
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> picked;
  std::array<int, 8> counts{};
  constexpr int kRounds = 40'000;
  for (int round = 0; round < kRounds; ++round) {
    rng.sample_distinct(8, 2, scratch, picked);
    for (const uint32_t v : picked) ++counts[v];
  }
  // each of 8 values is in a 2-subset with probability 2/8: expected 10'000 of 40'000 rounds,
  // standard deviation sqrt(40'000 * 0.25 * 0.75) = 87; 500 is more than 5 deviations
  for (const int c : counts) CHECK(c == Approx(10'000).margin(500));
}

TEST_CASE("normal and exponential sample means and spreads", "[rng]") {
  RngStream rng(77);
  constexpr int kDraws = 200'000;
  double normal_sum = 0.0;
  double normal_square_sum = 0.0;
  double exponential_sum = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = rng.normal(3.0, 2.0);
    normal_sum += x;
    normal_square_sum += x * x;
    exponential_sum += rng.exponential(4.0);
  }
  const double normal_mean = normal_sum / kDraws;
  const double normal_variance = normal_square_sum / kDraws - normal_mean * normal_mean;
  // N(3, 2): standard error of the mean 2 / sqrt(2e5) = 0.0045; tolerance 0.03 is over 6 errors
  CHECK(normal_mean == Approx(3.0).margin(0.03));
  // variance 4; its standard error is about 4 * sqrt(2 / 2e5) = 0.013; tolerance 0.1
  CHECK(normal_variance == Approx(4.0).margin(0.1));
  // Exp(rate 4) has mean 1/4; standard error 0.25 / sqrt(2e5) = 0.00056; tolerance 0.004
  CHECK(exponential_sum / kDraws == Approx(0.25).margin(0.004));
}

TEST_CASE("exponential rejects a non-positive rate and never goes negative", "[rng]") {
  RngStream rng(8);
  // rate 0, a negative rate and NaN are not rates
  CHECK_THROWS_AS(rng.exponential(0.0), std::invalid_argument);
  CHECK_THROWS_AS(rng.exponential(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(rng.exponential(std::nan("")), std::invalid_argument);
  // -log(1 - u) with u in [0, 1) is finite and >= 0
  for (int i = 0; i < 10'000; ++i) {
    const double x = rng.exponential(1.0);
    REQUIRE(std::isfinite(x));
    REQUIRE(x >= 0.0);
  }
}

TEST_CASE("gamma sample mean and variance equal the shape, above and below shape 1", "[rng]") {
  RngStream rng(91);
  constexpr int kDraws = 200'000;
  for (const double shape : {0.3, 1.0, 2.5, 9.0}) {
    double sum = 0.0;
    double square_sum = 0.0;
    for (int i = 0; i < kDraws; ++i) {
      const double x = rng.gamma(shape);
      REQUIRE(x >= 0.0);
      sum += x;
      square_sum += x * x;
    }
    const double mean = sum / kDraws;
    const double variance = square_sum / kDraws - mean * mean;
    // Gamma(a, 1): mean a, variance a; standard error of the mean sqrt(a / 2e5) <= 0.0068,
    // tolerance 2% of a (> 4 errors); the variance's error is larger (fourth moment), 6%
    CHECK(mean == Approx(shape).epsilon(0.02));
    CHECK(variance == Approx(shape).epsilon(0.06));
  }
}

TEST_CASE("gamma rejects a non-positive or NaN shape", "[rng]") {
  RngStream rng(3);
  CHECK_THROWS_AS(rng.gamma(0.0), std::invalid_argument);
  CHECK_THROWS_AS(rng.gamma(-2.0), std::invalid_argument);
  CHECK_THROWS_AS(rng.gamma(std::nan("")), std::invalid_argument);
}

TEST_CASE("Binomial draws have the binomial mean, variance and shape", "[rng]") {
  RngStream rng(23);
  CHECK(rng.binomial(0, 0.5) == 0);
  CHECK(rng.binomial(7, 0.0) == 0);
  CHECK(rng.binomial(7, 1.0) == 7);
  CHECK_THROWS_AS(rng.binomial(3, 1.5), std::invalid_argument);
  // Inversion from 0 (n p < 16) and from the mode, each side of p = 1/2.
  for (const auto& [n, p] : std::vector<std::pair<uint64_t, double>>{
           {1, 0.3}, {12, 0.25}, {40, 0.35}, {40, 0.8}, {3000, 0.02}, {5000, 0.3}, {900, 0.7}}) {
    constexpr int kDraws = 100'000;
    std::vector<double> seen(n + 1, 0.0);
    double sum = 0.0, square = 0.0;
    for (int i = 0; i < kDraws; ++i) {
      const uint64_t x = rng.binomial(n, p);
      REQUIRE(x <= n);
      seen[x] += 1.0;
      sum += static_cast<double>(x);
      square += static_cast<double>(x) * static_cast<double>(x);
    }
    const double mean = sum / kDraws, variance = square / kDraws - mean * mean;
    const double exact_variance = static_cast<double>(n) * p * (1.0 - p);
    INFO("n " << n << " p " << p);
    CHECK(mean == Approx(n * p).margin(5.0 * std::sqrt(exact_variance / kDraws)));
    CHECK(variance == Approx(exact_variance).epsilon(0.03));
    // Pearson chi-square over the values with expected count >= 20 (pmf by recurrence from
    // the mode): below df + 5 sqrt(2 df), far in the upper tail.
    const auto mode = static_cast<uint64_t>((static_cast<double>(n) + 1.0) * p);
    std::vector<double> pmf(n + 1, 0.0);
    pmf[mode] = 1.0;
    for (uint64_t x = mode; x < n; ++x) pmf[x + 1] = pmf[x] * (n - x) / (x + 1.0) * p / (1.0 - p);
    for (uint64_t x = mode; x > 0; --x) pmf[x - 1] = pmf[x] * x / (n - x + 1.0) * (1.0 - p) / p;
    const double total = std::accumulate(pmf.begin(), pmf.end(), 0.0);
    double chi2 = 0.0;
    int df = -1;
    for (uint64_t x = 0; x <= n; ++x) {
      const double expected = kDraws * pmf[x] / total;
      if (expected < 20.0) continue;
      chi2 += (seen[x] - expected) * (seen[x] - expected) / expected;
      ++df;
    }
    if (df > 0) CHECK(chi2 < df + 5.0 * std::sqrt(2.0 * df));
  }
}

TEST_CASE("binomial draws are pinned for seed 42, stream routing", "[rng]") {
  // One uniform per draw: inversion from 0 (n p < 16), else from the mode outwards; the pmf goes
  // through libm's exp and log, so a last-ulp difference between C libraries could move a draw
  // only when the uniform falls within ~1e-16 of a cumulative probability.
  RngStreams streams(42);
  RngStream& routing = streams.stream("routing");
  std::vector<uint64_t> draws;
  for (const auto& [n, p] : std::vector<std::pair<uint64_t, double>>{
           {10, 0.3}, {10, 0.7}, {1000, 0.25}, {1000, 0.75}, {5, 0.0}, {50, 0.5}}) {
    draws.push_back(routing.binomial(n, p));
  }
  CHECK(draws == std::vector<uint64_t>{2, 8, 253, 755, 0, 20});
}
