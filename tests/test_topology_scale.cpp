// Topology at scale: 65,536-GPU multi_node machines (8,192 HGX nodes) build and answer the
// pairs a simulation asks for (ring neighbours, sampled all-to-all pairs) with valid, distinct
// equal-cost paths; absurd sizes are refused before anything is built. Speed is measured by
// bench/bench_topology.cpp, never here.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "support/path_check.h"
#include "support/time_printer.h"
#include "topologies/builders/builder_checks.h"
#include "topologies/builders/explicit.h"
#include "topologies/builders/hgx.h"
#include "topologies/builders/multi_node.h"
#include "topologies/builders/nvl72.h"
#include "topologies/builders/pcie_host.h"
#include "topologies/builders/single_switch.h"

namespace {

using moesim::MultiNodeConfig;
using moesim::Time;
using moesim::Topology;
using moesim::test::link_spec;
using moesim::test::path_latency;

constexpr double kGBps = 1e9;
constexpr uint32_t kNodes = 8'192;
constexpr uint32_t kGpus = kNodes * 8;

// NVLink 100 ns, PCIe 500 ns, NIC and fabric hops 1 us (as in test_topology_fabrics.cpp).
MultiNodeConfig machine(uint32_t nodes, MultiNodeConfig::Fabric fabric) {
  MultiNodeConfig c;
  c.nodes = nodes;
  c.node.scale_up = link_spec(450 * kGBps, Time::ns(100));
  c.node.host = link_spec(64 * kGBps, Time::ns(500));
  c.node.cpu_interconnect = link_spec(100 * kGBps, Time::ns(200));
  c.nic = link_spec(50 * kGBps, Time::us(1));
  c.fabric = fabric;
  return c;
}

// Whether `path` is a chain of links from src to dst.
bool joins(const Topology& topo, const std::vector<uint32_t>& path, uint32_t src, uint32_t dst) {
  uint32_t at = src;
  for (uint32_t l : path) {
    if (topo.links()[l].from != at) return false;
    at = topo.links()[l].to;
  }
  return at == dst;
}

// Every GPU to its ring neighbour (rank + 1): within a node two NVLink hops, to the next node
// `cross_node` latency. Returns the pairs whose flow path is not as expected.
size_t bad_ring_paths(const Topology& topo, Time cross_node) {
  const auto& gpus = topo.gpus();
  size_t bad = 0;
  for (size_t r = 0; r < gpus.size(); ++r) {
    const uint32_t src = gpus[r];
    const uint32_t dst = gpus[(r + 1) % gpus.size()];
    const auto& path = topo.flow_path(src, dst);
    const bool same_node = r % 8 != 7;
    const Time expected = same_node ? Time::ns(200) : cross_node;
    if (!joins(topo, path, src, dst) || path_latency(topo, path) != expected ||
        path.size() != (same_node ? 2u : 8u)) {
      ++bad;
    }
  }
  return bad;
}

struct Expected {
  size_t paths;
  Time latency;
};

// `pairs` sampled GPU pairs on different nodes: all equal-cost paths join the pair, are
// distinct and sorted, and have the expected count and latency; the flow path is one of them.
// Returns the pairs that are not so.
template <typename ExpectedOf>
size_t bad_sampled_pairs(const Topology& topo, size_t pairs, ExpectedOf expected_of) {
  const auto& gpus = topo.gpus();
  uint64_t x = 0x853c49e6748fea9bULL;
  size_t bad = 0;
  for (size_t done = 0; done < pairs;) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // 64-bit LCG
    const size_t a = (x >> 33) % gpus.size();
    const size_t b = (x >> 11) % gpus.size();
    if (a / 8 == b / 8) continue;
    ++done;
    const Expected expected = expected_of(a % 8, b % 8);
    const auto& all = topo.equal_cost_paths(gpus[a], gpus[b]);
    bool ok = all.size() == expected.paths;
    for (size_t i = 0; i < all.size(); ++i) {
      ok = ok && joins(topo, all[i], gpus[a], gpus[b]) &&
           path_latency(topo, all[i]) == expected.latency && (i == 0 || all[i - 1] < all[i]);
    }
    const uint64_t hash = uint64_t{gpus[a]} * 0x9e3779b97f4a7c15ULL ^ gpus[b];
    ok = ok && topo.flow_path(gpus[a], gpus[b]) == all[hash % all.size()];
    if (!ok) ++bad;
  }
  return bad;
}

}  // namespace

TEST_CASE("topology scale: 65,536 GPUs on rails answer ring and sampled pairs", "[topology]") {
  const Topology topo = moesim::build_multi_node(machine(kNodes, MultiNodeConfig::Fabric::kRail));
  // Per node 8 GPUs + nvswitch + 4 PCIe switches + 2 sockets + 8 NICs = 23, plus 8 rails;
  // per node 58 directed links inside and 16 to the rails.
  REQUIRE(topo.gpus().size() == kGpus);
  CHECK(topo.nodes().size() == kNodes * 23 + 8);
  CHECK(topo.links().size() == kNodes * (58 + 16));
  CHECK(topo.nodes()[topo.gpus().back()].name == "n8191.gpu7");
  CHECK(topo.find_node("n4096.nic5") == 4096 * 23 + 15 + 5);

  // gpu7 to the next node's gpu0 goes over NVLink to a GPU on gpu0's PCIe switch (PXN):
  // 2 x 100 ns + 4 x 500 ns + 2 x 1 us.
  CHECK(bad_ring_paths(topo, Time::ns(4200)) == 0);
  // One rail per NIC of the PCIe switch when both GPUs sit on switches of the same index
  // (2 paths, 4 us); otherwise NVLink on either side too (8 paths, 4.2 us).
  CHECK(bad_sampled_pairs(topo, 2'000, [](size_t i, size_t j) {
          return i / 2 == j / 2 ? Expected{2, Time::us(4)} : Expected{8, Time::ns(4200)};
        }) == 0);
}

TEST_CASE("topology scale: 65,536 GPUs on a fat tree answer ring and sampled pairs", "[topology]") {
  const Topology topo =
      moesim::build_multi_node(machine(kNodes, MultiNodeConfig::Fabric::kFatTree));
  // 8 NIC ports per leaf: one leaf per node; 8 / 1 = 8 spines.
  REQUIRE(topo.gpus().size() == kGpus);
  CHECK(topo.nodes().size() == kNodes * 23 + kNodes + 8);
  CHECK(topo.links().size() == kNodes * (58 + 16 + 2 * 8));
  // All NICs of a node share its leaf, so no pair needs NVLink: 4 PCIe hops + 4 fabric hops,
  // 2 NICs on each side x 8 spines = 32 paths.
  CHECK(bad_ring_paths(topo, Time::us(6)) == 0);
  CHECK(bad_sampled_pairs(topo, 1'000, [](size_t, size_t) {
          return Expected{32, Time::us(6)};
        }) == 0);
}

TEST_CASE("topology scale: absurd sizes are refused before anything is built", "[topology]") {
  using Catch::Matchers::Contains;
  // 1,250,000 nodes x 8 GPUs = 10 million GPUs.
  MultiNodeConfig ten_million = machine(1'250'000, MultiNodeConfig::Fabric::kRail);
  CHECK_THROWS_WITH(moesim::build_multi_node(ten_million),
                    Contains("multi_node.nodes x multi_node.node.gpus gives 10000000 GPUs") &&
                        Contains("expected at most 1048576"));
  // 65,536 x 65,536 would wrap to 0 in 32 bits.
  MultiNodeConfig wraps = machine(65'536, MultiNodeConfig::Fabric::kRail);
  wraps.node.gpus = 65'536;
  wraps.node.cpu_sockets = 1;
  CHECK_THROWS_WITH(moesim::build_multi_node(wraps), Contains("gives 4294967296 GPUs"));
  // The fat tree's spines are the one count not bounded by the GPUs.
  MultiNodeConfig spines = machine(1'024, MultiNodeConfig::Fabric::kFatTree);
  spines.spines = 1'000'000;
  CHECK_THROWS_WITH(moesim::build_multi_node(spines), Contains("multi_node.spines (1000000)"));
  // At the limit itself the check passes (the build then fails on an unrelated parameter,
  // before allocating).
  MultiNodeConfig at_limit = machine(131'072, MultiNodeConfig::Fabric::kRail);
  at_limit.nic.bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_multi_node(at_limit), Contains("multi_node.nic.bandwidth"));

  moesim::SingleSwitchConfig single;
  single.gpus = 10'000'000;
  CHECK_THROWS_WITH(moesim::build_single_switch(single), Contains("single_switch.gpus gives"));
  moesim::HgxConfig hgx;
  hgx.gpus = 10'000'000;
  CHECK_THROWS_WITH(moesim::build_hgx(hgx), Contains("hgx.gpus gives 10000000 GPUs"));
  moesim::Nvl72Config nvl;
  nvl.gpus = 10'000'000;
  CHECK_THROWS_WITH(moesim::build_nvl72(nvl), Contains("nvl72.gpus gives 10000000 GPUs"));
  moesim::PcieHostConfig pcie;
  pcie.gpus = 10'000'000;
  CHECK_THROWS_WITH(moesim::build_pcie_host(pcie), Contains("pcie_host.gpus gives 10000000 GPUs"));
  moesim::ExplicitConfig graph;
  graph.nodes.resize(moesim::builder_checks::kMaxVertices + 1, {"", moesim::NodeKind::kGpu});
  CHECK_THROWS_WITH(moesim::build_explicit(graph), Contains("explicit.nodes lists 4194305"));
}
