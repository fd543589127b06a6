#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/path_check.h"
#include "support/time_printer.h"
#include "topologies/builders/hgx.h"
#include "topologies/builders/nvl72.h"
#include "topologies/builders/pcie_host.h"

namespace {

using moesim::Time;
using moesim::Topology;
using moesim::test::link_spec;
using moesim::test::named_path;
using moesim::test::path_bottleneck;
using moesim::test::path_classes;
using moesim::test::path_latency;
using moesim::test::path_nodes;
using Names = std::vector<std::string>;

constexpr double kGBps = 1e9;

// Distinct figures per link kind, so a path's latency and bottleneck say which links it took.
moesim::HgxConfig hgx8() {
  moesim::HgxConfig config;
  config.scale_up = link_spec(450 * kGBps, Time::ns(100));
  config.host = link_spec(64 * kGBps, Time::ns(500));
  config.nic = link_spec(50 * kGBps, Time::us(1));
  config.cpu_interconnect = link_spec(100 * kGBps, Time::ns(200));
  return config;
}

moesim::PcieHostConfig pcie8(bool p2p) {
  moesim::PcieHostConfig config;
  config.host = link_spec(32 * kGBps, Time::ns(500));
  config.cpu_interconnect = link_spec(20 * kGBps, Time::ns(200));
  config.p2p = p2p;
  return config;
}

std::map<std::string, size_t> links_by_class(const Topology& topo) {
  std::map<std::string, size_t> count;
  for (const auto& l : topo.links()) ++count[l.config.link_class];
  return count;
}

}  // namespace

TEST_CASE("hgx: vertices, links and their classes", "[builders]") {
  const Topology topo = moesim::build_hgx(hgx8());
  // 8 GPUs + nvswitch + 4 PCIe switches + 2 sockets + 8 NICs + host_switch.
  CHECK(topo.nodes().size() == 24);
  // Directed links: 2 x (8 NVLink + 8 GPU-switch + 4 switch-socket + 8 NIC-switch + 1 socket pair
  // + 8 NIC ports).
  CHECK(topo.links().size() == 74);
  CHECK(links_by_class(topo) ==
        std::map<std::string, size_t>{
            {"cpu-interconnect", 2}, {"nic", 16}, {"nvlink", 16}, {"pcie", 40}});
  // GPUs come first, in rank order.
  CHECK(topo.gpus() == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(topo.nodes()[3].name == "gpu3");
  for (const char* name : {"nvswitch", "pcie_sw3", "cpu1", "nic7", "host_switch"}) {
    CHECK(moesim::test::has_node(topo, name));
  }
  CHECK_FALSE(moesim::test::has_node(topo, "pcie_sw4"));
}

TEST_CASE("hgx: every GPU pair talks over the NVSwitch", "[builders]") {
  const Topology topo = moesim::build_hgx(hgx8());
  // Same PCIe switch, other switch on the same socket, other socket: all take NVLink, 2 hops of
  // 100 ns at 450 GB/s, and it is the only minimal path (PCIe would be 2 x 500 ns or more).
  for (auto [a, b] : {std::pair{0u, 1u}, {0u, 2u}, {0u, 7u}, {6u, 3u}}) {
    INFO("gpu" << a << " -> gpu" << b);
    const auto& path = topo.path(a, b);
    CHECK(path_nodes(topo, path) ==
          Names{"gpu" + std::to_string(a), "nvswitch", "gpu" + std::to_string(b)});
    CHECK(path_classes(topo, path) == Names{"nvlink", "nvlink"});
    CHECK(path_latency(topo, path) == Time::ns(200));
    CHECK(path_bottleneck(topo, path) == 450 * kGBps);
    CHECK(topo.equal_cost_paths(a, b).size() == 1);
  }
}

TEST_CASE("hgx: PCIe switches under the sockets, NICs beside their GPUs", "[builders]") {
  const Topology topo = moesim::build_hgx(hgx8());
  // Switch k is on socket k * 2 / 4: switches 0 and 1 on cpu0, 2 and 3 on cpu1.
  CHECK(path_nodes(topo, named_path(topo, "gpu3", "cpu0")) == Names{"gpu3", "pcie_sw1", "cpu0"});
  CHECK(path_nodes(topo, named_path(topo, "gpu4", "cpu1")) == Names{"gpu4", "pcie_sw2", "cpu1"});
  // Cross-socket: 2 PCIe hops then the socket link; 2 x 500 + 200 ns, bottleneck PCIe 64 GB/s.
  const auto& cross = named_path(topo, "gpu7", "cpu0");
  CHECK(path_nodes(topo, cross) == Names{"gpu7", "pcie_sw3", "cpu1", "cpu0"});
  CHECK(path_classes(topo, cross) == Names{"pcie", "pcie", "cpu-interconnect"});
  CHECK(path_latency(topo, cross) == Time::ns(1200));
  CHECK(path_bottleneck(topo, cross) == 64 * kGBps);
  // A GPU reaches its NIC through its switch; the NIC's port goes to the host switch.
  CHECK(path_nodes(topo, named_path(topo, "gpu5", "nic5")) == Names{"gpu5", "pcie_sw2", "nic5"});
  CHECK(path_classes(topo, named_path(topo, "nic5", "host_switch")) == Names{"nic"});
  // Both NICs of gpu5's switch are equally close, so gpu5 reaches host_switch two ways.
  const uint32_t gpu5 = 5;
  const uint32_t host_switch = moesim::test::node_id(topo, "host_switch");
  CHECK(topo.equal_cost_paths(gpu5, host_switch).size() == 2);
}

TEST_CASE("hgx: without NICs and with one socket", "[builders]") {
  moesim::HgxConfig config = hgx8();
  config.with_nics = false;
  config.cpu_sockets = 1;
  // Unused figures are not checked: no NIC port, no socket pair.
  config.nic = moesim::LinkSpec{};
  config.cpu_interconnect = moesim::LinkSpec{};
  const Topology topo = moesim::build_hgx(config);
  // 8 GPUs + nvswitch + 4 switches + 1 socket; 2 x (8 + 8 + 4) links.
  CHECK(topo.nodes().size() == 14);
  CHECK(topo.links().size() == 40);
  CHECK_FALSE(moesim::test::has_node(topo, "nic0"));
  CHECK_FALSE(moesim::test::has_node(topo, "host_switch"));
  // Every switch is on cpu0 now.
  CHECK(path_nodes(topo, named_path(topo, "gpu7", "cpu0")) == Names{"gpu7", "pcie_sw3", "cpu0"});
}

TEST_CASE("hgx: bad configs name the parameter", "[builders]") {
  using Catch::Contains;
  moesim::HgxConfig c = hgx8();
  c.gpus = 0;
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.gpus"));
  c.gpus = 7;  // odd, but there is one PCIe switch per two GPUs
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.gpus") && Contains("multiple of"));
  c = hgx8();
  c.cpu_sockets = 0;
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.cpu_sockets"));
  c.cpu_sockets = 5;  // only 4 switches to hang off them
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.cpu_sockets"));
  c = hgx8();
  c.scale_up.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.scale_up.bandwidth"));
  c = hgx8();
  c.host.bandwidth = -1.0;
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.host.bandwidth"));
  c = hgx8();
  c.nic.latency = Time::ps(-1);
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.nic.latency"));
  c = hgx8();
  c.cpu_interconnect.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_hgx(c), Contains("hgx.cpu_interconnect.bandwidth"));
  // Equal NVLink and PCIe latencies would tie GPU pairs on one switch between both routes.
  c = hgx8();
  c.scale_up.latency = c.host.latency;
  CHECK_THROWS_WITH(moesim::build_hgx(c),
                    Contains("hgx.scale_up.latency") && Contains("hgx.host.latency"));
  CHECK_THROWS_AS(moesim::build_hgx(c), std::invalid_argument);
}

TEST_CASE("pcie_host with p2p: switch-local, cross-switch and cross-socket pairs", "[builders]") {
  const Topology topo = moesim::build_pcie_host(pcie8(true));
  // 8 GPUs + 4 switches + 2 sockets; 2 x (8 + 4 + 1) links.
  CHECK(topo.nodes().size() == 14);
  CHECK(topo.links().size() == 26);
  CHECK(topo.gpus() == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7});
  // Same switch: turned around in the switch, 2 x 500 ns.
  const auto& local = named_path(topo, "gpu0", "gpu1");
  CHECK(path_nodes(topo, local) == Names{"gpu0", "pcie_sw0", "gpu1"});
  CHECK(path_latency(topo, local) == Time::ns(1000));
  // Other switch on the same socket (switch 1 -> socket 1 * 2 / 4 = 0): through cpu0, 4 hops.
  const auto& cross_switch = named_path(topo, "gpu0", "gpu2");
  CHECK(path_nodes(topo, cross_switch) == Names{"gpu0", "pcie_sw0", "cpu0", "pcie_sw1", "gpu2"});
  CHECK(path_latency(topo, cross_switch) == Time::ns(2000));
  // Other socket: 4 PCIe hops + the socket link (200 ns), whose 20 GB/s is the bottleneck.
  const auto& cross_socket = named_path(topo, "gpu1", "gpu6");
  CHECK(path_classes(topo, cross_socket) ==
        Names{"pcie", "pcie", "cpu-interconnect", "pcie", "pcie"});
  CHECK(path_nodes(topo, cross_socket)[2] == "cpu0");
  CHECK(path_nodes(topo, cross_socket)[3] == "cpu1");
  CHECK(path_latency(topo, cross_socket) == Time::ns(2200));
  CHECK(path_bottleneck(topo, cross_socket) == 20 * kGBps);
}

TEST_CASE("pcie_host without p2p: every GPU pair crosses a CPU", "[builders]") {
  const Topology topo = moesim::build_pcie_host(pcie8(false));
  // Each switch is split into an upstream and a downstream vertex: 8 + 8 + 2 vertices. Links:
  // 8 GPUs x 2 one-way + 4 switches x 2 one-way + 1 socket pair x 2.
  CHECK(topo.nodes().size() == 18);
  CHECK(topo.links().size() == 26);
  // Two GPUs on one switch now go up to the socket and back down: 4 hops, 2000 ns.
  const auto& local = named_path(topo, "gpu0", "gpu1");
  CHECK(path_nodes(topo, local) == Names{"gpu0", "pcie_sw0", "cpu0", "pcie_sw0_down", "gpu1"});
  CHECK(path_latency(topo, local) == Time::ns(2000));
  // Cross-socket pairs add the socket link: 5 hops.
  CHECK(path_classes(topo, named_path(topo, "gpu0", "gpu7")) ==
        Names{"pcie", "pcie", "cpu-interconnect", "pcie", "pcie"});
  // No GPU pair has any minimal path that avoids a CPU vertex.
  for (uint32_t a : topo.gpus()) {
    for (uint32_t b : topo.gpus()) {
      if (a == b) continue;
      for (const auto& path : topo.equal_cost_paths(a, b)) {
        const Names nodes = path_nodes(topo, path);
        INFO(nodes.front() << " -> " << nodes.back());
        CHECK(std::count(nodes.begin(), nodes.end(), "cpu0") +
                  std::count(nodes.begin(), nodes.end(), "cpu1") >=
              1);
      }
    }
  }
}

TEST_CASE("pcie_host: bad configs name the parameter", "[builders]") {
  using Catch::Contains;
  moesim::PcieHostConfig c = pcie8(true);
  c.gpus = 0;
  CHECK_THROWS_WITH(moesim::build_pcie_host(c), Contains("pcie_host.gpus"));
  c = pcie8(true);
  c.gpus_per_switch = 0;
  CHECK_THROWS_WITH(moesim::build_pcie_host(c), Contains("pcie_host.gpus_per_switch"));
  c.gpus = 6;
  c.gpus_per_switch = 4;
  CHECK_THROWS_WITH(moesim::build_pcie_host(c),
                    Contains("pcie_host.gpus") && Contains("pcie_host.gpus_per_switch"));
  c = pcie8(true);
  c.cpu_sockets = 5;  // 4 switches
  CHECK_THROWS_WITH(moesim::build_pcie_host(c), Contains("pcie_host.cpu_sockets"));
  c = pcie8(true);
  c.host.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_pcie_host(c), Contains("pcie_host.host.bandwidth"));
  c = pcie8(true);
  c.cpu_interconnect.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_pcie_host(c), Contains("pcie_host.cpu_interconnect"));
  // With one socket the interconnect is not used, so it is not checked.
  c.cpu_sockets = 1;
  CHECK_NOTHROW(moesim::build_pcie_host(c));
}

TEST_CASE("nvl72: one NVLink domain, CPUs on C2C that never forward", "[builders]") {
  moesim::Nvl72Config config;
  config.scale_up = link_spec(900 * kGBps, Time::ns(100));
  // C2C is given the lower latency on purpose: GPU -> CPU -> GPU (2 x 50 ns) would beat NVLink
  // (2 x 100 ns) if the CPU forwarded.
  config.c2c = link_spec(450 * kGBps, Time::ns(50));
  const Topology topo = moesim::build_nvl72(config);
  // 72 GPUs + nvswitch + 36 CPUs; 2 x (72 NVLink + 72 C2C) links.
  CHECK(topo.nodes().size() == 109);
  CHECK(topo.links().size() == 288);
  CHECK(topo.gpus().size() == 72);
  CHECK(topo.gpus()[71] == 71);
  // Siblings on one CPU and far-apart GPUs alike: 2 NVLink hops, 200 ns, 900 GB/s.
  for (const char* dst : {"gpu1", "gpu71"}) {
    const auto& path = named_path(topo, "gpu0", dst);
    CHECK(path_nodes(topo, path) == Names{"gpu0", "nvswitch", dst});
    CHECK(path_latency(topo, path) == Time::ns(200));
    CHECK(path_bottleneck(topo, path) == 900 * kGBps);
  }
  // A GPU's own CPU is one C2C hop; a CPU can send (it is a path's first vertex).
  CHECK(path_classes(topo, named_path(topo, "gpu5", "cpu2")) == Names{"c2c"});
  CHECK(path_classes(topo, named_path(topo, "cpu2", "gpu70")) == Names{"c2c", "nvlink", "nvlink"});
  // Another tray's CPU: over NVLink to either of its two GPUs, then C2C: two equal-cost paths.
  const uint32_t cpu35 = moesim::test::node_id(topo, "cpu35");
  CHECK(topo.equal_cost_paths(0, cpu35).size() == 2);
  CHECK(path_nodes(topo, topo.path(0, cpu35)) == Names{"gpu0", "nvswitch", "gpu70", "cpu35"});
}

TEST_CASE("nvl72: bad configs name the parameter", "[builders]") {
  using Catch::Contains;
  moesim::Nvl72Config good;
  good.scale_up = link_spec(900 * kGBps, Time::ns(100));
  good.c2c = link_spec(450 * kGBps, Time::ns(50));
  moesim::Nvl72Config c = good;
  c.gpus = 0;
  CHECK_THROWS_WITH(moesim::build_nvl72(c), Contains("nvl72.gpus"));
  c = good;
  c.gpus_per_cpu = 0;
  CHECK_THROWS_WITH(moesim::build_nvl72(c), Contains("nvl72.gpus_per_cpu"));
  c.gpus_per_cpu = 5;  // 72 is not a multiple of 5
  CHECK_THROWS_WITH(moesim::build_nvl72(c), Contains("nvl72.gpus") && Contains("multiple"));
  c = good;
  c.scale_up.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_nvl72(c), Contains("nvl72.scale_up.bandwidth"));
  c = good;
  c.c2c.bandwidth = -3.0;
  CHECK_THROWS_WITH(moesim::build_nvl72(c), Contains("nvl72.c2c.bandwidth"));
}
