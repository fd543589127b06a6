// Synthetic workloads: the gamma sampler, arrival processes, length distributions and the
// generator's named streams.

#include <cmath>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "sim/rng.h"
#include "support/scenario_files.h"
#include "traces/workload/arrival_times.h"
#include "traces/workload/gamma_sampler.h"
#include "traces/workload/length_spec.h"
#include "traces/workload/workload_generator.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::RngStream;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

Moments moments(const std::vector<double>& xs) {
  Moments m;
  for (double x : xs) m.mean += x;
  m.mean /= static_cast<double>(xs.size());
  for (double x : xs) m.variance += (x - m.mean) * (x - m.mean);
  m.variance /= static_cast<double>(xs.size() - 1);
  return m;
}

std::vector<double> gaps(const std::vector<double>& times) {
  std::vector<double> g;
  for (size_t i = 1; i < times.size(); ++i) g.push_back(times[i] - times[i - 1]);
  return g;
}

}  // namespace

TEST_CASE("gamma sampler has the mean and variance of its shape and scale", "[workload]") {
  RngStream rng(7);
  for (const double shape : {0.25, 1.0, 4.0}) {
    std::vector<double> xs;
    for (int i = 0; i < 200000; ++i) xs.push_back(moesim::sample_gamma(rng, shape, 2.0));
    const Moments m = moments(xs);
    // Gamma(k, theta): mean k*theta, variance k*theta^2; 200k draws give about 1% error.
    CHECK(m.mean == Approx(shape * 2.0).epsilon(0.03));
    CHECK(m.variance == Approx(shape * 4.0).epsilon(0.06));
    for (double x : xs) REQUIRE(x > 0.0);
  }
  CHECK_THROWS_AS(moesim::sample_gamma(rng, 0.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(moesim::sample_gamma(rng, 1.0, -1.0), std::invalid_argument);
}

TEST_CASE("arrival processes start at 0 with the requested rate and burstiness", "[workload]") {
  RngStream rng(11);
  moesim::ArrivalSpec spec;
  spec.rate = 4.0;

  spec.kind = moesim::ArrivalKind::fixed;
  const auto fixed = moesim::generate_arrival_times(spec, 5, rng);
  // exactly i / rate
  CHECK(fixed == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});

  spec.kind = moesim::ArrivalKind::poisson;
  const auto poisson = moesim::generate_arrival_times(spec, 100001, rng);
  CHECK(poisson.front() == 0.0);
  const Moments p = moments(gaps(poisson));
  // exponential gaps: mean 1/rate, CV 1
  CHECK(p.mean == Approx(0.25).epsilon(0.02));
  CHECK(std::sqrt(p.variance) / p.mean == Approx(1.0).epsilon(0.03));

  spec.kind = moesim::ArrivalKind::gamma;
  spec.cv = 3.0;
  const auto bursty = moesim::generate_arrival_times(spec, 100001, rng);
  const Moments g = moments(gaps(bursty));
  // gamma gaps keep the mean 1/rate and have the requested CV
  CHECK(g.mean == Approx(0.25).epsilon(0.05));
  CHECK(std::sqrt(g.variance) / g.mean == Approx(3.0).epsilon(0.08));
  for (size_t i = 1; i < bursty.size(); ++i) REQUIRE(bursty[i] >= bursty[i - 1]);
}

TEST_CASE("arrival rate and cv must be positive and process names known", "[workload]") {
  RngStream rng(1);
  moesim::ArrivalSpec spec;
  spec.rate = 0.0;
  CHECK_THROWS_WITH(moesim::generate_arrival_times(spec, 3, rng), Contains("rate"));
  spec.rate = 1.0;
  spec.kind = moesim::ArrivalKind::gamma;
  spec.cv = -1.0;
  CHECK_THROWS_WITH(moesim::generate_arrival_times(spec, 3, rng), Contains("cv"));
  CHECK(moesim::parse_arrival_kind("gamma", "--arrival") == moesim::ArrivalKind::gamma);
  CHECK_THROWS_AS(moesim::parse_arrival_kind("weibull", "--arrival"), ConfigError);
}

TEST_CASE("length specs parse the four forms and reject the rest", "[workload]") {
  const auto fixed = moesim::parse_length_spec("512", "--input");
  CHECK(fixed.kind == moesim::LengthKind::fixed);
  CHECK(fixed.value == 512);
  const auto uniform = moesim::parse_length_spec("uniform:10:20", "--input");
  CHECK(uniform.kind == moesim::LengthKind::uniform);
  CHECK(uniform.low == 10);
  CHECK(uniform.high == 20);
  const auto lognormal = moesim::parse_length_spec("lognormal:300.5:100", "--input");
  CHECK(lognormal.kind == moesim::LengthKind::lognormal);
  CHECK(lognormal.mean == 300.5);

  for (const char* bad : {"0", "-3", "12x", "uniform:20:10", "uniform:5", "lognormal:0:1",
                          "lognormal:10:-1", "zipf:1:2", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(moesim::parse_length_spec(bad, "--input"), Contains("--input"));
  }
}

TEST_CASE("length draws stay in their distribution", "[workload]") {
  RngStream rng(3);
  const auto uniform = moesim::parse_length_spec("uniform:10:12", "--input");
  std::vector<int> seen(3, 0);
  for (int i = 0; i < 3000; ++i) {
    const uint32_t v = moesim::sample_length(uniform, rng);
    REQUIRE(v >= 10);
    REQUIRE(v <= 12);
    ++seen[v - 10];
  }
  // both ends inclusive, each about a third
  for (int count : seen) CHECK(count > 900);

  const auto lognormal = moesim::parse_length_spec("lognormal:1000:500", "--input");
  std::vector<double> xs;
  for (int i = 0; i < 200000; ++i) xs.push_back(moesim::sample_length(lognormal, rng));
  const Moments m = moments(xs);
  // parameters chosen so that the draws have the given mean and standard deviation
  CHECK(m.mean == Approx(1000.0).epsilon(0.02));
  CHECK(std::sqrt(m.variance) == Approx(500.0).epsilon(0.04));
}

TEST_CASE("file lengths are resampled from the file only and bad lines name their line",
          "[workload]") {
  TempDir dir("lengths");
  write_text(dir / "lengths.txt", "7\n\n9\r\n");
  RngStream rng(5);
  const auto spec = moesim::parse_length_spec("file:" + (dir / "lengths.txt").string(), "--input");
  CHECK(spec.values == std::vector<uint32_t>{7, 9});
  bool saw7 = false;
  bool saw9 = false;
  for (int i = 0; i < 100; ++i) {
    const uint32_t v = moesim::sample_length(spec, rng);
    REQUIRE((v == 7 || v == 9));
    saw7 |= v == 7;
    saw9 |= v == 9;
  }
  CHECK((saw7 && saw9));

  write_text(dir / "bad.txt", "7\nseven\n");
  CHECK_THROWS_WITH(moesim::read_length_file(dir / "bad.txt"),
                    Contains("bad.txt:2") && Contains("seven"));
  write_text(dir / "empty.txt", "\n");
  CHECK_THROWS_WITH(moesim::read_length_file(dir / "empty.txt"), Contains("no lengths"));
  CHECK_THROWS_WITH(moesim::read_length_file(dir / "absent.txt"), Contains("cannot open"));
}

TEST_CASE("generated workloads are seeded by named streams", "[workload]") {
  moesim::WorkloadSpec spec;
  spec.arrival.rate = 10.0;
  spec.requests = 50;
  spec.input = moesim::parse_length_spec("uniform:1:1000", "--input");
  spec.output = moesim::parse_length_spec("uniform:1:1000", "--output");
  moesim::RngStreams a(42);
  const auto first = moesim::generate_workload(spec, a);
  REQUIRE(first.size() == 50);
  CHECK(first[0].arrival_s == 0.0);
  CHECK(first[49].id == 49);

  moesim::RngStreams b(42);
  const auto again = moesim::generate_workload(spec, b);
  moesim::RngStreams c(42);
  spec.output = moesim::parse_length_spec("77", "--output");
  const auto other_output = moesim::generate_workload(spec, c);
  bool inputs_differ_between_seeds = false;
  moesim::RngStreams d(43);
  const auto other_seed = moesim::generate_workload(spec, d);
  for (size_t i = 0; i < first.size(); ++i) {
    // same seed, same draws
    CHECK(again[i].arrival_s == first[i].arrival_s);
    CHECK(again[i].input_tokens == first[i].input_tokens);
    CHECK(again[i].output_tokens == first[i].output_tokens);
    // another output distribution leaves the arrival and input streams untouched
    CHECK(other_output[i].arrival_s == first[i].arrival_s);
    CHECK(other_output[i].input_tokens == first[i].input_tokens);
    CHECK(other_output[i].output_tokens == 77);
    inputs_differ_between_seeds |= other_seed[i].input_tokens != first[i].input_tokens;
  }
  CHECK(inputs_differ_between_seeds);

  spec.requests = 0;
  moesim::RngStreams e(1);
  CHECK_THROWS_AS(moesim::generate_workload(spec, e), ConfigError);
}
