// Service levels and goodput in a serving run's metrics.json (`serving.slo`).

#include <string>

#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::parse_json;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

const std::string kScenario = source_path("scenarios/serving/closed_loop_h100.yaml").string();

}  // namespace

TEST_CASE("goodput counts the requests that meet both service levels", "[serving][cli]") {
  TempDir dir("serving-slo");
  const auto loose =
      run_cli({"run", kScenario, "--out", (dir / "loose").string(), "--quiet", "--no-trace",
               "--set", "serving.slo.ttft=60 s", "--set", "serving.slo.tpot=1 s"});
  REQUIRE(loose.exit_code == 0);
  const auto m = parse_json(read_text(dir / "loose" / "metrics.json"));
  const auto& slo = m.at("slo");
  // Every one of the 64 requests meets levels this loose: goodput is the whole throughput.
  CHECK(slo.at("requests_met").number == 64);
  CHECK(slo.at("fraction_met").number == 1);
  CHECK(slo.at("goodput_output_tokens_per_s").number ==
        Approx(m.at("output_tokens_per_s").number).epsilon(1e-12));
  CHECK(slo.at("goodput_requests_per_s").number ==
        Approx(64 / m.at("duration_s").number).epsilon(1e-12));

  // A TPOT level below every request's TPOT: none meets it.
  const double fastest_tpot = m.at("tpot_s").at("mean").number * 0.5;
  const auto strict =
      run_cli({"run", kScenario, "--out", (dir / "strict").string(), "--quiet", "--no-trace",
               "--set", "serving.slo.tpot=" + std::to_string(fastest_tpot * 1e3) + " ms"});
  REQUIRE(strict.exit_code == 0);
  const auto s = parse_json(read_text(dir / "strict" / "metrics.json")).at("slo");
  CHECK(s.at("requests_met").number == 0);
  CHECK(s.at("goodput_requests_per_s").number == 0);
  CHECK_FALSE(s.has("ttft_s"));
}

TEST_CASE("without service levels metrics.json has no slo block", "[serving][cli]") {
  TempDir dir("serving-no-slo");
  REQUIRE(run_cli({"run", kScenario, "--out", (dir / "o").string(), "--quiet", "--no-trace"})
              .exit_code == 0);
  CHECK_FALSE(parse_json(read_text(dir / "o" / "metrics.json")).has("slo"));
}

TEST_CASE("bad service levels exit 2 naming the key", "[serving][cli]") {
  TempDir dir("serving-slo-bad");
  const auto negative =
      run_cli({"run", kScenario, "--out", (dir / "o").string(), "--set", "serving.slo.ttft=-1 s"});
  CHECK(negative.exit_code == 2);
  CHECK_THAT(negative.err, Contains("serving.slo.ttft"));
  const auto unknown =
      run_cli({"run", kScenario, "--out", (dir / "o").string(), "--set", "serving.slo.e2e=1 s"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("serving.slo"));
}
