// The per-pair path search (topologies/path_search.h, path_finder.h) against the plain
// algorithm (support/reference_paths.h) on every vertex pair of small machines and random
// graphs: the same equal-cost paths in the same order, and the same flow path, whether a pair
// is found by the bidirectional search or off a full search from its source.

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support/path_check.h"
#include "support/reference_paths.h"
#include "topologies/builders/hgx.h"
#include "topologies/builders/multi_node.h"
#include "topologies/builders/nvl72.h"
#include "topologies/builders/pcie_host.h"
#include "topologies/pair_dag.h"
#include "topologies/path_search.h"
#include "topologies/search_graph.h"

namespace {

using moesim::NodeKind;
using moesim::Time;
using moesim::Topology;
using moesim::test::link_spec;
using moesim::test::reference_paths_from;

constexpr double kGBps = 1e9;

// Catalogue-like figures (NVLink 235 ns, PCIe 1 us, NIC 0.6 us), so PXN and NIC variants tie.
moesim::MultiNodeConfig fabric(uint32_t nodes, bool fat_tree) {
  moesim::MultiNodeConfig c;
  c.nodes = nodes;
  c.node.scale_up = link_spec(450 * kGBps, Time::ns(235));
  c.node.host = link_spec(63 * kGBps, Time::us(1));
  c.node.cpu_interconnect = link_spec(100 * kGBps, Time::ns(200));
  c.nic = link_spec(50 * kGBps, Time::ns(600));
  if (fat_tree) {
    c.fabric = moesim::MultiNodeConfig::Fabric::kFatTree;
    c.oversubscription = 2.0;
  }
  return c;
}

// 7 diamonds in a row: 128 equal-cost paths, of which the first 64 are kept.
Topology diamonds() {
  Topology topo;
  uint32_t at = topo.add_node("v0", NodeKind::kGpu);
  for (int stage = 0; stage < 7; ++stage) {
    const uint32_t up = topo.add_node(fmt::format("up{}", stage), NodeKind::kSwitch);
    const uint32_t down = topo.add_node(fmt::format("down{}", stage), NodeKind::kSwitch);
    const uint32_t next = topo.add_node(fmt::format("v{}", stage + 1), NodeKind::kGpu);
    // Lower link indices on the lower way at odd stages, so the order is not the build order.
    for (const uint32_t mid : stage % 2 == 0 ? std::vector{up, down} : std::vector{down, up}) {
      topo.add_duplex_link(at, mid, "x", "x", kGBps, Time::ns(10));
    }
    topo.add_duplex_link(up, next, "x", "x", kGBps, Time::ns(10));
    topo.add_duplex_link(down, next, "x", "x", kGBps, Time::ns(10));
    at = next;
  }
  return topo;
}

// A random directed graph with latencies of 0 .. max_ns ns (a small max gives many ties) and
// one vertex in five non-transit.
Topology random_graph(uint64_t seed, uint32_t vertices, uint32_t links, uint64_t max_ns) {
  uint64_t x = seed;
  const auto next = [&x](uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;  // 64-bit LCG
    return (x >> 33) % n;
  };
  Topology topo;
  for (uint32_t v = 0; v < vertices; ++v) {
    topo.add_node(fmt::format("v{}", v), v % 3 == 0 ? NodeKind::kGpu : NodeKind::kSwitch,
                  next(5) != 0);
  }
  std::set<std::pair<uint64_t, uint64_t>> ends;
  while (topo.links().size() < links) {
    const uint64_t a = next(vertices);
    const uint64_t b = next(vertices);
    if (a == b || !ends.emplace(a, b).second) continue;
    topo.add_link(static_cast<uint32_t>(a), static_cast<uint32_t>(b), "x", kGBps,
                  Time::ns(static_cast<int64_t>(next(max_ns + 1))));
  }
  return topo;
}

std::vector<std::pair<std::string, Topology>> graphs() {
  std::vector<std::pair<std::string, Topology>> out;
  out.emplace_back("rails", moesim::build_multi_node(fabric(3, false)));
  out.emplace_back("fat tree", moesim::build_multi_node(fabric(4, true)));
  moesim::HgxConfig hgx = fabric(1, false).node;
  hgx.nic = link_spec(50 * kGBps, Time::ns(600));
  out.emplace_back("hgx", moesim::build_hgx(hgx));
  moesim::PcieHostConfig pcie;
  pcie.host = link_spec(32 * kGBps, Time::ns(500));
  pcie.cpu_interconnect = link_spec(20 * kGBps, Time::ns(200));
  pcie.p2p = false;
  out.emplace_back("pcie_host without p2p", moesim::build_pcie_host(pcie));
  moesim::Nvl72Config nvl;
  nvl.gpus = 8;
  nvl.scale_up = link_spec(450 * kGBps, Time::ns(235));
  nvl.c2c = link_spec(450 * kGBps, Time::ns(100));
  out.emplace_back("nvl72, non-transit CPUs", moesim::build_nvl72(nvl));
  out.emplace_back("diamonds", diamonds());
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    out.emplace_back(fmt::format("random {}", seed), random_graph(seed, 40, 150, 2));
    out.emplace_back(fmt::format("random large {}", seed),
                     random_graph(seed, 150, seed * 250, seed % 2 == 0 ? 2 : 20));
  }
  return out;
}

// The graph as PathSearch takes it, weighted as Topology weighs links.
moesim::PathSearch search_of(const Topology& topo) {
  std::vector<uint8_t> transit;
  for (const auto& n : topo.nodes()) transit.push_back(n.transit ? 1 : 0);
  std::vector<moesim::SearchGraph::Link> links;
  for (const auto& l : topo.links()) {
    links.push_back({l.from, l.to, l.config.latency.picoseconds() * 1024 + 1});
  }
  return moesim::PathSearch(moesim::SearchGraph(std::move(transit), std::move(links)));
}

uint64_t flow_hash(uint32_t src, uint32_t dst) {
  return uint64_t{src} * 0x9e3779b97f4a7c15ULL ^ dst;
}

}  // namespace

TEST_CASE("topology paths: every pair has the plain algorithm's paths", "[topology]") {
  for (const auto& [name, topo] : graphs()) {
    INFO(name);
    const uint32_t n = static_cast<uint32_t>(topo.nodes().size());
    // Source after source, so a source's first pairs are searched bidirectionally and its
    // later ones off a full search.
    for (uint32_t src = 0; src < n; ++src) {
      const auto expected = reference_paths_from(topo, src);
      for (uint32_t dst = 0; dst < n; ++dst) {
        INFO(src << " -> " << dst);
        if (expected[dst].empty()) {
          CHECK_THROWS_WITH(topo.equal_cost_paths(src, dst), Catch::Contains("no path"));
          CHECK_THROWS_WITH(topo.flow_path(src, dst), Catch::Contains("no path"));
          continue;
        }
        const auto& chosen = expected[dst][flow_hash(src, dst) % expected[dst].size()];
        // The flow path first, so that it is found without listing the pair's paths.
        CHECK(topo.flow_path(src, dst) == chosen);
        CHECK(topo.equal_cost_paths(src, dst) == expected[dst]);
        CHECK(topo.flow_path(src, dst) == chosen);
      }
    }
  }
}

TEST_CASE("topology paths: bidirectional and full searches give the plain algorithm's DAG",
          "[topology]") {
  for (const auto& [name, topo] : graphs()) {
    INFO(name);
    moesim::PathSearch search = search_of(topo);
    const uint32_t n = static_cast<uint32_t>(topo.nodes().size());
    moesim::PathSearch::Tree tree;
    moesim::PairDag by_pair;
    moesim::PairDag by_source;
    for (uint32_t src = 0; src < n; ++src) {
      const auto expected = reference_paths_from(topo, src);
      search.tree_from(src, tree);
      for (uint32_t dst = 0; dst < n; ++dst) {
        if (dst == src) continue;
        INFO(src << " -> " << dst);
        REQUIRE(search.pair_dag(src, dst, by_pair) == !expected[dst].empty());
        REQUIRE(search.pair_dag(src, dst, tree, by_source) == !expected[dst].empty());
        if (expected[dst].empty()) continue;
        const size_t max = Topology::kMaxEqualCostPaths;
        CHECK(moesim::all_paths(by_pair, max) == expected[dst]);
        CHECK(moesim::all_paths(by_source, max) == expected[dst]);
        CHECK(by_pair.order == by_source.order);
        for (const uint64_t hash : {uint64_t{0}, uint64_t{1}, uint64_t{63}, flow_hash(src, dst)}) {
          CHECK(moesim::chosen_path(by_pair, max, hash) ==
                expected[dst][hash % expected[dst].size()]);
        }
      }
    }
  }
}
