#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/max_min_network.h"
#include "sim/simulator.h"
#include "support/path_check.h"
#include "support/time_printer.h"
#include "topologies/builders/multi_node.h"

namespace {

using moesim::MultiNodeConfig;
using moesim::Time;
using moesim::Topology;
using moesim::test::link_spec;
using moesim::test::named_path;
using moesim::test::node_id;
using moesim::test::path_classes;
using moesim::test::path_latency;
using moesim::test::path_nodes;
using Names = std::vector<std::string>;

constexpr double kGBps = 1e9;

// NVLink 100 ns, PCIe 500 ns, NIC and fabric hops 1 us: latencies tell the link kinds apart.
MultiNodeConfig rails(uint32_t nodes) {
  MultiNodeConfig c;
  c.nodes = nodes;
  c.node.scale_up = link_spec(450 * kGBps, Time::ns(100));
  c.node.host = link_spec(64 * kGBps, Time::ns(500));
  c.node.cpu_interconnect = link_spec(100 * kGBps, Time::ns(200));
  c.nic = link_spec(50 * kGBps, Time::us(1));
  return c;
}

MultiNodeConfig fat_tree(uint32_t nodes, double oversubscription) {
  MultiNodeConfig c = rails(nodes);
  c.fabric = MultiNodeConfig::Fabric::kFatTree;
  c.oversubscription = oversubscription;
  return c;
}

// The switches (rail, leaf, spine) a path crosses, in order.
Names fabric_switches(const Topology& topo, const std::vector<uint32_t>& path) {
  Names out;
  for (const std::string& n : path_nodes(topo, path)) {
    if (n.starts_with("rail") || n.starts_with("leaf") || n.starts_with("spine")) out.push_back(n);
  }
  return out;
}

bool crosses_cpu(const Topology& topo, const std::vector<uint32_t>& path) {
  for (const std::string& n : path_nodes(topo, path)) {
    if (n.find(".cpu") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("multi_node rails: counts, rank order and same-index pairs", "[builders]") {
  const Topology topo = moesim::build_multi_node(rails(2));
  // Per node 8 GPUs + nvswitch + 4 PCIe switches + 2 sockets + 8 NICs = 23, plus 8 rails.
  CHECK(topo.nodes().size() == 2 * 23 + 8);
  // Per node 2 x (8 + 8 + 4 + 8 + 1) = 58 directed links, plus 2 x 16 NIC ports.
  CHECK(topo.links().size() == 2 * 58 + 32);
  // Ranks are node-major.
  REQUIRE(topo.gpus().size() == 16);
  CHECK(topo.nodes()[topo.gpus()[0]].name == "n0.gpu0");
  CHECK(topo.nodes()[topo.gpus()[11]].name == "n1.gpu3");

  // GPU 3 to GPU 3: PCIe to a NIC, one rail, PCIe down; 4 x 500 ns + 2 x 1 us; no NVLink.
  const auto& same = named_path(topo, "n0.gpu3", "n1.gpu3");
  CHECK(path_classes(topo, same) == Names{"pcie", "pcie", "nic", "nic", "pcie", "pcie"});
  CHECK(path_latency(topo, same) == Time::us(4));
  CHECK(moesim::test::path_bottleneck(topo, same) == 50 * kGBps);
  // Both NICs of gpu3's PCIe switch (nic2, nic3) are equally close: one path per rail, and
  // path() takes the lower-numbered NIC.
  const auto& both = topo.equal_cost_paths(node_id(topo, "n0.gpu3"), node_id(topo, "n1.gpu3"));
  REQUIRE(both.size() == 2);
  CHECK(fabric_switches(topo, both[0]) == Names{"rail2"});
  CHECK(fabric_switches(topo, both[1]) == Names{"rail3"});
  // GPU 0's lower NIC is its own: rail 0.
  CHECK(fabric_switches(topo, named_path(topo, "n0.gpu0", "n1.gpu0")) == Names{"rail0"});
}

TEST_CASE("multi_node rails: other pairs cross NVLink first (PXN), never host PCIe", "[builders]") {
  const Topology topo = moesim::build_multi_node(rails(2));
  // gpu0 -> NVLink -> gpu2 (on gpu3's PCIe switch) -> nic2 -> rail2 -> nic2 -> gpu3:
  // 2 x 100 ns + 4 x 500 ns + 2 x 1 us = 4.2 us. Through host PCIe instead (gpu0 -> pcie_sw0 ->
  // cpu0 -> pcie_sw1 -> nic) it would be 6 x 500 ns + 2 us = 5 us.
  const auto& pxn = named_path(topo, "n0.gpu0", "n1.gpu3");
  CHECK(path_nodes(topo, pxn) == Names{"n0.gpu0", "n0.nvswitch", "n0.gpu2", "n0.pcie_sw1",
                                       "n0.nic2", "rail2", "n1.nic2", "n1.pcie_sw1", "n1.gpu3"});
  CHECK(path_latency(topo, pxn) == Time::ns(4200));
  // Equal-cost variants: NVLink on the sending or the receiving node, x 2 NICs per side's
  // PCIe switch = 8, each with exactly 2 NVLink hops and one rail, none through a CPU.
  const auto& all = topo.equal_cost_paths(node_id(topo, "n0.gpu0"), node_id(topo, "n1.gpu3"));
  CHECK(all.size() == 8);
  std::set<std::string> first_hops;
  for (const auto& path : all) {
    const Names classes = path_classes(topo, path);
    CHECK(std::count(classes.begin(), classes.end(), "nvlink") == 2);
    CHECK(fabric_switches(topo, path).size() == 1);
    CHECK_FALSE(crosses_cpu(topo, path));
    first_hops.insert(path_nodes(topo, path)[1]);
  }
  // Some variants start on NVLink, the others on PCIe (NVLink at the receiver).
  CHECK(first_hops == std::set<std::string>{"n0.nvswitch", "n0.pcie_sw0"});
}

TEST_CASE("multi_node fat tree: leaves, spines and ECMP across spines", "[builders]") {
  // 4 nodes x 8 NIC ports, 8 ports per leaf: 4 leaves. Spines: 8 / 2 = 4 at 2:1.
  const Topology topo = moesim::build_multi_node(fat_tree(4, 2.0));
  CHECK(topo.nodes().size() == 4 * 23 + 4 + 4);
  CHECK(topo.links().size() == 4 * 58 + 2 * 32 + 2 * 4 * 4);
  CHECK(moesim::test::has_node(topo, "spine3"));
  CHECK_FALSE(moesim::test::has_node(topo, "spine4"));
  // Each up-link: 8 ports x 50 GB/s / 2 / 4 spines = 50 GB/s.
  const auto& up = named_path(topo, "leaf0", "spine2");
  REQUIRE(up.size() == 1);
  CHECK(topo.links()[up[0]].config.bandwidth == 50 * kGBps);
  CHECK(topo.links()[up[0]].config.link_class == "fabric");

  // Cross-leaf NIC pair: nic -> leaf0 -> spine s -> leaf1 -> nic, one path per spine, in spine
  // order (the order of the leaf's up-links).
  const uint32_t a = node_id(topo, "n0.nic0");
  const uint32_t b = node_id(topo, "n1.nic0");
  const auto& paths = topo.equal_cost_paths(a, b);
  REQUIRE(paths.size() == 4);
  for (uint32_t s = 0; s < 4; ++s) {
    CHECK(path_classes(topo, paths[s]) == Names{"nic", "fabric", "fabric", "nic"});
    CHECK(fabric_switches(topo, paths[s]) == Names{"leaf0", "spine" + std::to_string(s), "leaf1"});
  }
  // path(src, dst, hash) picks hash % 4: hashes 0..7 visit every spine twice.
  std::vector<int> per_spine(4, 0);
  for (uint64_t hash = 0; hash < 8; ++hash) {
    const std::string spine = fabric_switches(topo, topo.path(a, b, hash))[1];
    ++per_spine[spine.back() - '0'];
  }
  CHECK(per_spine == std::vector<int>{2, 2, 2, 2});
  // A GPU pair has 2 NICs to pick on each side as well: 2 x 4 x 2 = 16 paths.
  CHECK(topo.equal_cost_paths(node_id(topo, "n0.gpu0"), node_id(topo, "n3.gpu5")).size() == 16);
}

TEST_CASE("multi_node fat tree: same-leaf pairs and spine counts", "[builders]") {
  MultiNodeConfig c = fat_tree(4, 2.0);
  c.hosts_per_leaf = 16;  // two nodes per leaf; spines 16 / 2 = 8
  Topology topo = moesim::build_multi_node(c);
  CHECK(moesim::test::has_node(topo, "spine7"));
  CHECK_FALSE(moesim::test::has_node(topo, "spine8"));
  // Nodes 0 and 1 share leaf0: no spine on the way.
  CHECK(fabric_switches(topo, named_path(topo, "n0.nic0", "n1.nic0")) == Names{"leaf0"});
  CHECK(fabric_switches(topo, named_path(topo, "n1.nic0", "n2.nic0")).size() == 3);
  // nodes_per_leaf = 2 means the same 16 ports per leaf.
  c.hosts_per_leaf = 8;
  c.nodes_per_leaf = 2;
  CHECK(moesim::build_multi_node(c).nodes().size() == topo.nodes().size());
  // Explicit spine count: 3 spines of 16 x 50 / 2 / 3 GB/s each.
  c.spines = 3;
  topo = moesim::build_multi_node(c);
  CHECK_FALSE(moesim::test::has_node(topo, "spine3"));
  const auto& up = named_path(topo, "leaf1", "spine0");
  CHECK(topo.links()[up[0]].config.bandwidth == Approx(16 * 50 * kGBps / 2 / 3));
}

namespace {

// Every GPU of leaf 0 (node 0) sends `bytes` to every GPU of leaf 1 (node 1). Each pair sprays
// its bytes evenly over all its equal-cost paths, one sub-flow per path (hash k for the k-th),
// so the load is spread exactly evenly and the expectation below is exact up to rounding.
Time cross_leaf_all_to_all(double oversubscription, double bytes) {
  const Topology topo = moesim::build_multi_node(fat_tree(2, oversubscription));
  moesim::Simulator sim;
  moesim::MaxMinNetwork net(sim);
  topo.install(net);
  Time last = Time::zero();
  for (uint32_t s = 0; s < 8; ++s) {
    for (uint32_t d = 8; d < 16; ++d) {
      const uint32_t src = topo.gpus()[s];
      const uint32_t dst = topo.gpus()[d];
      const size_t ways = topo.equal_cost_paths(src, dst).size();
      for (uint64_t hash = 0; hash < ways; ++hash) {
        net.start_flow(topo.path(src, dst, hash), bytes / static_cast<double>(ways),
                       moesim::FlowTag{src, dst, 0}, [&] { last = sim.now(); });
      }
    }
  }
  sim.run();
  return last;
}

}  // namespace

TEST_CASE("multi_node fat tree: 2:1 oversubscription doubles a cross-leaf all-to-all",
          "[builders]") {
  const double bytes = 64e6;
  const Time full = cross_leaf_all_to_all(1.0, bytes);
  const Time half = cross_leaf_all_to_all(2.0, bytes);
  // 1:1: 8 spines with 50 GB/s up-links. Each NIC port and each up-link carries 1/8 of the
  // 64 x 64 MB, i.e. 512 MB at 50 GB/s = 10.24 ms (PCIe links carry 512 MB at 64 GB/s, less),
  // plus the path latency 4 x 500 ns + 4 x 1 us = 6 us.
  CHECK(full.seconds() == Approx(10.246e-3).epsilon(0.005));
  // 2:1: 4 spines with 8 x 50 / 2 / 4 = 50 GB/s up-links, each carrying 1/4: 1024 MB,
  // 20.48 ms + 6 us.
  CHECK(half.seconds() == Approx(20.486e-3).epsilon(0.005));
  // So the ratio is 2 (1.9994 with the latency), checked within 1%.
  CHECK(half.seconds() / full.seconds() == Approx(2.0).epsilon(0.01));
}

TEST_CASE("multi_node: bad configs name the parameter", "[builders]") {
  using Catch::Contains;
  auto fails_with = [](const MultiNodeConfig& c, const std::string& text) {
    INFO("expecting: " << text);
    CHECK_THROWS_WITH(moesim::build_multi_node(c), Contains(text));
  };
  MultiNodeConfig c = fat_tree(4, 2.0);
  c.nodes = 0;
  fails_with(c, "multi_node.nodes");
  c = fat_tree(4, 2.0);
  c.node.gpus = 7;
  fails_with(c, "multi_node.node.gpus");
  c = fat_tree(4, 2.0);
  c.node.with_nics = false;
  fails_with(c, "multi_node.node.with_nics");
  c = fat_tree(4, 2.0);
  c.node.host.bandwidth = 0.0;
  fails_with(c, "multi_node.node.host.bandwidth");
  c = fat_tree(4, 2.0);
  c.nic.bandwidth = 0.0;
  fails_with(c, "multi_node.nic.bandwidth");
  for (double bad : {0.5, 0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    c = fat_tree(4, bad);
    fails_with(c, "multi_node.oversubscription");
  }
  c = fat_tree(4, 2.0);
  c.hosts_per_leaf = 0;
  fails_with(c, "multi_node.hosts_per_leaf");
  c.hosts_per_leaf = 6;  // 32 NIC ports do not fill leaves of 6
  fails_with(c, "multi_node.hosts_per_leaf");
  c = fat_tree(4, 2.0);
  c.nodes_per_leaf = 3;  // 4 nodes do not fill leaves of 3
  fails_with(c, "multi_node.nodes_per_leaf");
  // The oversubscription only means something for a fat tree; rails ignore it.
  c = rails(2);
  c.oversubscription = 0.5;
  CHECK_NOTHROW(moesim::build_multi_node(c));
}
