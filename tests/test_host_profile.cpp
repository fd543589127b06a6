// The CPU cost model's host profile: interpolation of GEMM throughput, the SwiGLU prediction,
// and the profile file round trip. (The timing comparison itself is a report, not a test.)

#include <catch2/catch.hpp>

#include "cli/app/host_profile_io.h"
#include "models/cost_model/host_profile.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using moesim::HostProfile;

namespace {

HostProfile example() {
  HostProfile p;
  p.gemm_flops_by_rows = {{1, 10e9}, {16, 30e9}, {256, 40e9}};
  p.memory_bandwidth = 20e9;
  return p;
}

}  // namespace

TEST_CASE("GEMM throughput interpolates in log rows and holds outside", "[host_profile]") {
  const HostProfile p = example();
  // 4 rows is halfway between 1 and 16 in log scale: (10 + 30) / 2 = 20 GFLOP/s.
  CHECK(p.gemm_flops(4) == Approx(20e9));
  CHECK(p.gemm_flops(16) == Approx(30e9));
  // Outside the measured rows the nearest measurement holds.
  CHECK(p.gemm_flops(0.5) == Approx(10e9));
  CHECK(p.gemm_flops(4096) == Approx(40e9));
}

TEST_CASE("a SwiGLU expert is three GEMMs, each compute- or memory-bound", "[host_profile]") {
  const HostProfile p = example();
  // 1 token, H 1000, F 500: each GEMM has 2 x 1000 x 500 = 1e6 FLOPs (1e-4 s at 10 GFLOP/s) and
  // 2e6 B of fp32 weights (1e-4 s at 20 GB/s): 3 x 1e-4 s.
  CHECK(moesim::predict_swiglu_seconds(p, 1, 1000, 500) == Approx(3e-4));
  // 256 tokens: compute-bound, 3 x 2 x 256 x 1000 x 500 = 7.68e8 FLOPs / 40e9 = 1.92e-2 s.
  CHECK(moesim::predict_swiglu_seconds(p, 256, 1000, 500) == Approx(1.92e-2));
}

TEST_CASE("host profiles round-trip through their file and bad files are ConfigErrors",
          "[host_profile]") {
  moesim::test::TempDir dir("host");
  moesim::test::write_text(dir / "p.yaml", moesim::format_host_profile(example()));
  const HostProfile back = moesim::load_host_profile((dir / "p.yaml").string());
  CHECK(back.memory_bandwidth == Approx(20e9));
  CHECK(back.gemm_flops_by_rows.size() == 3);
  CHECK(back.gemm_flops(16) == Approx(30e9));
  moesim::test::write_text(dir / "bad.yaml", "memory_bandwidth: \"fast\"\ngemm: []\n");
  CHECK_THROWS_WITH(moesim::load_host_profile((dir / "bad.yaml").string()),
                    Catch::Matchers::Contains("bad.yaml:1: memory_bandwidth:"));
  const auto missing = moesim::test::run_cli(
      {"validate", "--suite", "cpu", "--profile", (dir / "absent.yaml").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Matchers::Contains("run `moesim calibrate --suite cpu` first"));
}

TEST_CASE("calibrate --suite cpu replaces only a host profile it wrote", "[host_profile][cli]") {
  moesim::test::TempDir dir("host-calibrate");
  moesim::test::write_text(dir / "notes.yaml", "my notes\n");
  const auto refused = moesim::test::run_cli(
      {"calibrate", "--suite", "cpu", "--out", (dir / "notes.yaml").string()});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Matchers::Contains("notes.yaml: exists and is not a file moesim "
                                                    "wrote"));
  CHECK(moesim::test::read_text(dir / "notes.yaml") == "my notes\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
  // A profile moesim wrote begins with the marker, so a later calibration may replace it.
  CHECK(moesim::format_host_profile(example()).starts_with(moesim::kHostProfileMarker));
}
