#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/max_min_network.h"
#include "sim/simulator.h"
#include "support/time_printer.h"
#include "topologies/builders/single_switch.h"
#include "topologies/topology.h"

namespace {

using moesim::NodeKind;
using moesim::Time;
using moesim::Topology;

constexpr double kGBps = 1e9;

moesim::SingleSwitchConfig four_gpus() {
  moesim::SingleSwitchConfig config;
  config.gpus = 4;
  config.link_bandwidth = 50 * kGBps;
  config.hop_latency = Time::ns(500);
  return config;
}

}  // namespace

TEST_CASE("single switch: GPU to GPU is one hop up and one hop down", "[topology]") {
  const Topology topo = moesim::build_single_switch(four_gpus());
  // 4 GPUs plus the switch; one duplex link (two directed links) per GPU.
  REQUIRE(topo.nodes().size() == 5);
  REQUIRE(topo.links().size() == 8);
  CHECK(topo.gpus() == std::vector<uint32_t>{0, 1, 2, 3});
  const uint32_t sw = 4;
  CHECK(topo.nodes()[sw].kind == NodeKind::kSwitch);

  const std::vector<uint32_t> path = topo.path(0, 2);
  // gpu0 -> switch -> gpu2.
  REQUIRE(path.size() == 2);
  const auto& up = topo.links()[path[0]];
  const auto& down = topo.links()[path[1]];
  CHECK(up.from == 0);
  CHECK(up.to == sw);
  CHECK(up.config.link_class == "switch-up");
  CHECK(up.config.name == "gpu0->switch");
  CHECK(down.from == sw);
  CHECK(down.to == 2);
  CHECK(down.config.link_class == "switch-down");
  CHECK(down.config.name == "switch->gpu2");
  // Every link carries the configured figures.
  CHECK(up.config.bandwidth == 50 * kGBps);
  CHECK(down.config.latency == Time::ns(500));
}

TEST_CASE("single switch: the path to oneself is empty", "[topology]") {
  const Topology topo = moesim::build_single_switch(four_gpus());
  // No link is needed to reach the same GPU.
  CHECK(topo.path(3, 3).empty());
}

TEST_CASE("single switch: zero GPUs is rejected", "[topology]") {
  moesim::SingleSwitchConfig config = four_gpus();
  config.gpus = 0;
  // A switch with nothing behind it is not a topology.
  CHECK_THROWS_AS(moesim::build_single_switch(config), std::invalid_argument);
}

TEST_CASE("the latency-shortest path wins over the one with fewer hops", "[topology]") {
  Topology topo;
  const uint32_t src = topo.add_node("src", NodeKind::kGpu);
  const uint32_t relay = topo.add_node("relay", NodeKind::kSwitch);
  const uint32_t dst = topo.add_node("dst", NodeKind::kGpu);
  topo.add_link(src, dst, "slow", 100 * kGBps, Time::us(10));
  const uint32_t first = topo.add_link(src, relay, "fast", 100 * kGBps, Time::us(1));
  const uint32_t second = topo.add_link(relay, dst, "fast", 100 * kGBps, Time::us(1));
  // Direct: 1 hop, 10 us. Via relay: 2 hops, 1 + 1 = 2 us. Latency decides: via relay.
  CHECK(topo.path(src, dst) == std::vector<uint32_t>{first, second});
}

TEST_CASE("on equal latency the path with fewer hops wins", "[topology]") {
  Topology topo;
  const uint32_t src = topo.add_node("src", NodeKind::kGpu);
  const uint32_t a = topo.add_node("a", NodeKind::kSwitch);
  const uint32_t b = topo.add_node("b", NodeKind::kSwitch);
  const uint32_t dst = topo.add_node("dst", NodeKind::kGpu);
  // The long way reaches dst's neighbour b at zero latency, so a search that ignored hops would
  // settle dst through b before it even looks at the short way.
  topo.add_link(src, a, "long", 100 * kGBps, Time::zero());
  topo.add_link(a, b, "long", 100 * kGBps, Time::zero());
  topo.add_link(b, dst, "long", 100 * kGBps, Time::us(2));
  const uint32_t relay = topo.add_node("relay", NodeKind::kSwitch);
  const uint32_t first = topo.add_link(src, relay, "short", 100 * kGBps, Time::us(1));
  const uint32_t second = topo.add_link(relay, dst, "short", 100 * kGBps, Time::us(1));
  // Both ways take 0 + 0 + 2 = 1 + 1 = 2 us; 3 hops against 2: the 2-hop way.
  CHECK(topo.path(src, dst) == std::vector<uint32_t>{first, second});
}

TEST_CASE("a link added after a path query is used by later queries", "[topology]") {
  Topology topo;
  const uint32_t src = topo.add_node("src", NodeKind::kGpu);
  const uint32_t dst = topo.add_node("dst", NodeKind::kGpu);
  const uint32_t direct = topo.add_link(src, dst, "slow", 100 * kGBps, Time::us(10));
  // Only one way so far.
  CHECK(topo.path(src, dst) == std::vector<uint32_t>{direct});
  const uint32_t relay = topo.add_node("relay", NodeKind::kSwitch);
  const uint32_t first = topo.add_link(src, relay, "fast", 100 * kGBps, Time::us(1));
  const uint32_t second = topo.add_link(relay, dst, "fast", 100 * kGBps, Time::us(1));
  // The new 2 us way beats the cached 10 us one.
  CHECK(topo.path(src, dst) == std::vector<uint32_t>{first, second});
}

TEST_CASE("a missing path throws naming both ends", "[topology]") {
  Topology topo;
  const uint32_t alpha = topo.add_node("alpha", NodeKind::kGpu);
  const uint32_t beta = topo.add_node("beta", NodeKind::kGpu);
  topo.add_node("island", NodeKind::kCpu);
  topo.add_link(alpha, beta, "one-way", 1 * kGBps, Time::zero());
  // Links are directed: alpha reaches beta, beta does not reach alpha.
  CHECK(topo.path(alpha, beta).size() == 1);
  CHECK_THROWS_AS(topo.path(beta, alpha), std::invalid_argument);
  CHECK_THROWS_WITH(topo.path(beta, alpha),
                    Catch::Contains("'beta'") && Catch::Contains("'alpha'"));
  // An unlinked vertex is unreachable from anywhere.
  CHECK_THROWS_WITH(topo.path(alpha, 2), Catch::Contains("'alpha'") && Catch::Contains("'island'"));
  // Vertex ids out of range are rejected too.
  CHECK_THROWS_AS(topo.path(alpha, 7), std::invalid_argument);
}

TEST_CASE("duplicate nodes, duplicate links and bad link figures are rejected", "[topology]") {
  Topology topo;
  const uint32_t a = topo.add_node("a", NodeKind::kGpu);
  const uint32_t b = topo.add_node("b", NodeKind::kGpu);
  // Node names are unique.
  CHECK_THROWS_AS(topo.add_node("a", NodeKind::kNic), std::invalid_argument);
  CHECK(topo.nodes().size() == 2);

  topo.add_link(a, b, "x", 1 * kGBps, Time::zero());
  // One link per ordered pair; the reverse direction is a different link and is fine.
  CHECK_THROWS_AS(topo.add_link(a, b, "y", 2 * kGBps, Time::zero()), std::invalid_argument);
  CHECK_NOTHROW(topo.add_link(b, a, "x", 1 * kGBps, Time::zero()));

  const uint32_t c = topo.add_node("c", NodeKind::kSwitch);
  // Bandwidth must be positive and finite, latency not negative.
  CHECK_THROWS_AS(topo.add_link(a, c, "x", 0.0, Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(topo.add_link(a, c, "x", -5.0, Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(topo.add_link(a, c, "x", std::nan(""), Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(topo.add_link(a, c, "x", std::numeric_limits<double>::infinity(), Time::zero()),
                  std::invalid_argument);
  CHECK_THROWS_AS(topo.add_link(a, c, "x", 1 * kGBps, Time::ps(-1)), std::invalid_argument);
  // Endpoints must exist and differ.
  CHECK_THROWS_AS(topo.add_link(a, 9, "x", 1 * kGBps, Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(topo.add_link(c, c, "x", 1 * kGBps, Time::zero()), std::invalid_argument);
  // Only the two good links were kept.
  CHECK(topo.links().size() == 2);
  // Link names are "from->to": a node name with "->" or an empty one would make them ambiguous.
  CHECK_THROWS_AS(topo.add_node("a->b", NodeKind::kGpu), std::invalid_argument);
  CHECK_THROWS_AS(topo.add_node("", NodeKind::kSwitch), std::invalid_argument);
}

TEST_CASE("install registers every link with LinkId equal to its index", "[topology]") {
  const Topology topo = moesim::build_single_switch(four_gpus());
  moesim::Simulator sim;
  moesim::MaxMinNetwork net(sim);
  topo.install(net);
  // One network link per topology link, in the same order and with the same figures.
  REQUIRE(net.link_count() == topo.links().size());
  for (moesim::LinkId id = 0; id < net.link_count(); ++id) {
    INFO("link " << id);
    CHECK(net.link(id).name == topo.links()[id].config.name);
    CHECK(net.link(id).link_class == topo.links()[id].config.link_class);
    CHECK(net.link(id).bandwidth == topo.links()[id].config.bandwidth);
    CHECK(net.link(id).latency == topo.links()[id].config.latency);
  }

  // A topology path is a valid network path: 2 hops x 500 ns, then 1 MB at 50 GB/s = 20 us.
  const std::vector<uint32_t>& path = topo.path(1, 3);
  Time finished = Time::max();
  net.start_flow(std::vector<moesim::LinkId>(path.begin(), path.end()), 1e6, moesim::FlowTag{},
                 [&] { finished = sim.now(); });
  sim.run();
  CHECK(finished == Time::us(21));
}

TEST_CASE("equal-cost paths are all kept, ordered by link index", "[topology]") {
  Topology topo;
  const uint32_t src = topo.add_node("src", NodeKind::kGpu);
  const uint32_t a = topo.add_node("a", NodeKind::kSwitch);
  const uint32_t b = topo.add_node("b", NodeKind::kSwitch);
  const uint32_t dst = topo.add_node("dst", NodeKind::kGpu);
  // Two 2-hop ways of 2 us each, links added out of path order.
  const uint32_t src_b = topo.add_link(src, b, "x", 10 * kGBps, Time::us(1));
  const uint32_t a_dst = topo.add_link(a, dst, "x", 10 * kGBps, Time::us(1));
  const uint32_t src_a = topo.add_link(src, a, "x", 10 * kGBps, Time::us(1));
  const uint32_t b_dst = topo.add_link(b, dst, "x", 10 * kGBps, Time::us(1));
  // A 3 us way is not equal-cost.
  topo.add_link(src, dst, "slow", 10 * kGBps, Time::us(3));
  const std::vector<std::vector<uint32_t>> expected{{src_b, b_dst}, {src_a, a_dst}};
  // Sorted lexicographically by link index: {0, 3} before {2, 1}.
  CHECK(topo.equal_cost_paths(src, dst) == expected);
  CHECK(topo.path(src, dst) == expected[0]);
  // The hash picks hash % 2.
  CHECK(topo.path(src, dst, 0) == expected[0]);
  CHECK(topo.path(src, dst, 1) == expected[1]);
  CHECK(topo.path(src, dst, 7) == expected[1]);
  // To oneself: one empty path, whatever the hash.
  CHECK(topo.equal_cost_paths(src, src) == std::vector<std::vector<uint32_t>>{{}});
  CHECK(topo.path(src, src, 5).empty());
  CHECK_THROWS_WITH(topo.equal_cost_paths(dst, src),
                    Catch::Contains("'dst'") && Catch::Contains("'src'"));
}

TEST_CASE("equal-cost paths stop at the first 64", "[topology]") {
  // 7 diamonds in a row: 2^7 = 128 equal-cost paths. At each stage the upper way's link is
  // added first, so the first 64 in link order are those that take the upper way at stage 0.
  Topology topo;
  uint32_t at = topo.add_node("v0", NodeKind::kGpu);
  uint32_t first_upper_link = 0;
  for (int stage = 0; stage < 7; ++stage) {
    const uint32_t up = topo.add_node(fmt::format("up{}", stage), NodeKind::kSwitch);
    const uint32_t down = topo.add_node(fmt::format("down{}", stage), NodeKind::kSwitch);
    const uint32_t next = topo.add_node(fmt::format("v{}", stage + 1), NodeKind::kSwitch);
    const uint32_t l = topo.add_link(at, up, "x", kGBps, Time::ns(10));
    if (stage == 0) first_upper_link = l;
    topo.add_link(at, down, "x", kGBps, Time::ns(10));
    topo.add_link(up, next, "x", kGBps, Time::ns(10));
    topo.add_link(down, next, "x", kGBps, Time::ns(10));
    at = next;
  }
  const auto& paths = topo.equal_cost_paths(0, at);
  REQUIRE(paths.size() == Topology::kMaxEqualCostPaths);
  CHECK(std::is_sorted(paths.begin(), paths.end()));
  CHECK(std::adjacent_find(paths.begin(), paths.end()) == paths.end());
  for (const auto& p : paths) {
    CHECK(p.size() == 14);
    CHECK(p.front() == first_upper_link);
  }
}

TEST_CASE("no path crosses a non-transit vertex", "[topology]") {
  Topology topo;
  const uint32_t src = topo.add_node("src", NodeKind::kGpu);
  const uint32_t cpu = topo.add_node("cpu", NodeKind::kCpu, false);
  const uint32_t sw = topo.add_node("sw", NodeKind::kSwitch);
  const uint32_t dst = topo.add_node("dst", NodeKind::kGpu);
  topo.add_duplex_link(src, cpu, "c2c", "c2c", kGBps, Time::ns(1));
  topo.add_duplex_link(cpu, dst, "c2c", "c2c", kGBps, Time::ns(1));
  // The only way is through the CPU, which does not forward: no path.
  CHECK_THROWS_WITH(topo.path(src, dst), Catch::Contains("no path"));
  CHECK_THROWS_WITH(topo.require_gpus_connected(),
                    Catch::Contains("'src'") && Catch::Contains("'dst'"));
  const uint32_t up = topo.add_link(src, sw, "x", kGBps, Time::us(1));
  const uint32_t down = topo.add_link(sw, dst, "x", kGBps, Time::us(1));
  // The 2 us switch way is taken although the CPU way would take 2 ns.
  CHECK(topo.path(src, dst) == std::vector<uint32_t>{up, down});
  // dst -> src still only has the CPU way.
  CHECK_THROWS_WITH(topo.require_gpus_connected(), Catch::Contains("from 'dst' to 'src'"));
  // A non-transit vertex may start and end paths.
  CHECK(topo.path(cpu, dst).size() == 1);
  CHECK(topo.path(src, cpu).size() == 1);
  topo.add_link(dst, sw, "x", kGBps, Time::us(1));
  topo.add_link(sw, src, "x", kGBps, Time::us(1));
  CHECK_NOTHROW(topo.require_gpus_connected());
}
