#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support/path_check.h"
#include "support/time_printer.h"
#include "topologies/builders/explicit.h"

namespace {

using moesim::ExplicitConfig;
using moesim::NodeKind;
using moesim::Time;
using moesim::Topology;
using Names = std::vector<std::string>;

constexpr double kGBps = 1e9;

// gpu_b is listed before gpu_a, so it is rank 0. host -> gpu_a is one-way.
ExplicitConfig small() {
  ExplicitConfig c;
  c.nodes = {{"gpu_b", NodeKind::kGpu},
             {"sw", NodeKind::kSwitch},
             {"gpu_a", NodeKind::kGpu},
             {"host", NodeKind::kCpu}};
  c.links = {{"gpu_a", "sw", 100 * kGBps, Time::ns(300), "up", true},
             {"gpu_b", "sw", 50 * kGBps, Time::ns(200), "up", true},
             {"host", "gpu_a", 10 * kGBps, Time::us(1), "pcie", false}};
  return c;
}

}  // namespace

TEST_CASE("explicit: nodes and links as listed", "[builders]") {
  const Topology topo = moesim::build_explicit(small());
  // 4 nodes; 2 duplex links + 1 one-way link = 5 directed links.
  CHECK(topo.nodes().size() == 4);
  CHECK(topo.links().size() == 5);
  // Ranks follow the listing order.
  CHECK(topo.gpus() == std::vector<uint32_t>{0, 2});
  // gpu_a -> sw -> gpu_b: 300 + 200 ns, bottleneck 50 GB/s; a duplex link keeps its class.
  const auto& path = moesim::test::named_path(topo, "gpu_a", "gpu_b");
  CHECK(moesim::test::path_nodes(topo, path) == Names{"gpu_a", "sw", "gpu_b"});
  CHECK(moesim::test::path_classes(topo, path) == Names{"up", "up"});
  CHECK(moesim::test::path_latency(topo, path) == Time::ns(500));
  CHECK(moesim::test::path_bottleneck(topo, path) == 50 * kGBps);
  // The one-way link exists only from host to gpu_a.
  CHECK(moesim::test::named_path(topo, "host", "gpu_a").size() == 1);
  CHECK_THROWS_AS(moesim::test::named_path(topo, "gpu_a", "host"), std::invalid_argument);
}

TEST_CASE("explicit: bad configs name the node or the link", "[builders]") {
  using Catch::Contains;
  ExplicitConfig c = small();
  c.links[1].to = "sw9";
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.links[1]") && Contains("unknown node 'sw9'"));
  c = small();
  c.nodes.push_back({"sw", NodeKind::kSwitch});
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.nodes[4]") && Contains("duplicate") && Contains("'sw'"));
  c = small();
  // sw -> gpu_a already exists as the reverse half of links[0].
  c.links.push_back({"sw", "gpu_a", 1 * kGBps, Time::zero(), "down", false});
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.links[3]") && Contains("duplicate link 'sw->gpu_a'"));
  c = small();
  c.links[2].bandwidth = 0.0;
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.links[2]") && Contains("bandwidth must be positive"));
  c = small();
  c.links[0].latency = Time::ps(-5);
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.links[0]") && Contains("latency"));
  c = small();
  c.links[0].link_class.clear();
  CHECK_THROWS_WITH(moesim::build_explicit(c),
                    Contains("explicit.links[0]") && Contains("link_class"));
  c = small();
  c.nodes[0].kind = NodeKind::kNic;
  c.nodes[2].kind = NodeKind::kNic;
  CHECK_THROWS_WITH(moesim::build_explicit(c), Contains("no GPU"));
}

TEST_CASE("explicit: every GPU must reach every other one", "[builders]") {
  using Catch::Contains;
  ExplicitConfig c = small();
  // gpu_b loses its link: the first pair in rank order without a path is (gpu_b, gpu_a).
  c.links.erase(c.links.begin() + 1);
  CHECK_THROWS_WITH(moesim::build_explicit(c), Contains("'gpu_b'") && Contains("'gpu_a'"));
  // Reachable one way only: gpu_b -> gpu_a exists, gpu_a -> gpu_b does not.
  c = small();
  c.links[1].duplex = false;
  CHECK_THROWS_WITH(moesim::build_explicit(c), Contains("no path from 'gpu_a' to 'gpu_b'"));
}
