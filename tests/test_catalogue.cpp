// The hardware catalogue: the shipped files load with their units, and bad entries are
// ConfigErrors naming file, line and key.

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::HardwareCatalogue;
using moesim::Time;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const HardwareCatalogue& shipped() {
  static const HardwareCatalogue catalogue =
      moesim::load_hardware_catalogue(moesim::test::source_path("topologies/catalogue"));
  return catalogue;
}

/// A catalogue directory with the given links.yaml and gpus.yaml and a minimal cpus.yaml.
std::string load_error(const TempDir& dir, const std::string& links, const std::string& gpus) {
  write_text(dir / "links.yaml", links);
  write_text(dir / "gpus.yaml", gpus);
  write_text(dir / "cpus.yaml", "{}\n");
  try {
    moesim::load_hardware_catalogue(dir.path());
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("the catalogue loaded, but a ConfigError was expected");
  return {};
}

const char* const kGoodLink =
    "pcie5_x16:\n  kind: pcie\n  bandwidth: \"63 GB/s\"\n  latency: \"1 us\"\n  source: x\n";

}  // namespace

TEST_CASE("the shipped catalogue has the GPUs, CPUs and links the roadmap names", "[catalogue]") {
  const HardwareCatalogue& c = shipped();
  for (const char* gpu :
       {"A100-SXM", "A100-PCIe", "H100-SXM", "H100-PCIe", "H800", "H200", "B200", "GB200", "L4",
        "L40S", "RTX-4090", "RTX-A5000", "A40", "RTX-PRO-6000", "MI300X"}) {
    INFO(gpu);
    CHECK(c.has_gpu(gpu));
  }
  for (const char* cpu : {"Xeon-Platinum-8380", "Xeon-Gold-6454S", "EPYC-7453"})
    CHECK(c.has_cpu(cpu));
  for (const char* link :
       {"pcie3_x16", "pcie4_x16", "pcie5_x16", "pcie6_x16", "nvlink3", "nvlink4", "nvlink5",
        "nvlink_c2c", "infiniband_hdr", "infiniband_ndr", "infiniband_xdr", "ethernet_400g"}) {
    INFO(link);
    CHECK(c.has_link(link));
  }
  // Every entry cites a source.
  for (const auto& [name, g] : c.gpus()) CHECK_FALSE(g.source.empty());
  for (const auto& [name, l] : c.links()) CHECK_FALSE(l.source.empty());
  for (const auto& [name, cpu] : c.cpus()) CHECK_FALSE(cpu.source.empty());
}

TEST_CASE("catalogue figures arrive in base units", "[catalogue]") {
  const auto& h100 = shipped().gpu("H100-SXM");
  // H100 SXM datasheet: 989 TFLOP/s dense BF16, 1979 FP8, 80 GB HBM3 at 3.35 TB/s, NVLink 4.
  CHECK(h100.peak_flops_by_dtype.at("bf16") == Approx(989e12));
  CHECK(h100.peak_flops_by_dtype.at("fp8") == Approx(1979e12));
  CHECK(h100.memory_capacity == Approx(80e9));
  CHECK(h100.memory_bandwidth == Approx(3.35e12));
  CHECK(h100.scale_up_link == "nvlink4");
  // NVLink 4: 18 links x 25 GB/s = 450 GB/s per direction.
  CHECK(shipped().link("nvlink4").bandwidth == Approx(450e9));
  // PCIe 5.0 x16: 63 GB/s per direction; A100-PCIe has no scale-up fabric.
  CHECK(shipped().link("pcie5_x16").bandwidth == Approx(63e9));
  CHECK(shipped().gpu("A100-PCIe").scale_up_link.empty());
  CHECK_THROWS_WITH(shipped().gpu("H900"), Contains("unknown GPU 'H900'") && Contains("H100-SXM"));
}

TEST_CASE("bad catalogue entries are ConfigErrors with file, line and key", "[catalogue]") {
  TempDir dir("catalogue");
  const std::string gpu =
      "G:\n  peak_flops:\n    bf16: \"1 TFLOP/s\"\n  memory: \"1 GB\"\n  memory_bandwidth: \"1 "
      "TB/s\"\n"
      "  scale_up_link: none\n  host_link: pcie5_x16\n  source: x\n";
  SECTION("a GPU naming a link that does not exist") {
    const std::string bad =
        moesim::test::replace_once(gpu, "host_link: pcie5_x16", "host_link: pcie9");
    CHECK_THAT(load_error(dir, kGoodLink, bad),
               Contains("gpus.yaml:7: G.host_link: unknown link \"pcie9\""));
  }
  SECTION("a misspelt key") {
    const std::string bad = moesim::test::replace_once(gpu, "  memory: ", "  memroy: ");
    CHECK_THAT(load_error(dir, kGoodLink, bad), Contains("gpus.yaml:4: G.memroy: unknown key"));
  }
  SECTION("a negative bandwidth") {
    const std::string bad = moesim::test::replace_once(kGoodLink, "\"63 GB/s\"", "\"-63 GB/s\"");
    CHECK_THAT(load_error(dir, bad, gpu), Contains("links.yaml:3: pcie5_x16.bandwidth:"));
  }
  SECTION("an unknown dtype") {
    const std::string bad = moesim::test::replace_once(gpu, "bf16:", "bf17:");
    CHECK_THAT(load_error(dir, kGoodLink, bad), Contains("G.peak_flops.bf17: unknown key"));
  }
  SECTION("an unknown link kind") {
    const std::string bad =
        moesim::test::replace_once(kGoodLink, "kind: pcie", "kind: carrier-pigeon");
    CHECK_THAT(load_error(dir, bad, gpu), Contains("pcie5_x16.kind: unknown link kind"));
  }
  SECTION("a missing file") {
    CHECK_THROWS_AS(moesim::load_hardware_catalogue(dir / "absent"), ConfigError);
  }
}
