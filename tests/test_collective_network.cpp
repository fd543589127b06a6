// The collective-level network (sim/collective_network.h) against the flow-level max-min model:
// hand-worked cases, skewed all-to-all matrices over two nodes, and every committed layer
// scenario run with both.

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/comm/communicator.h"
#include "sim/collective_network.h"
#include "sim/max_min_network.h"
#include "support/json_check.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_config.h"

namespace {

using moesim::Time;

constexpr double kGBps = 1e9;

/// Duration of an all-to-allv of `bytes` among the machine's GPUs, on the collective-level
/// network or the max-min one.
double all_to_allv_seconds(const moesim::BuiltSystem& system, const moesim::ByteMatrix& bytes,
                           bool collective_level) {
  moesim::Simulator sim;
  std::unique_ptr<moesim::NetworkModel> net;
  if (collective_level) {
    net = std::make_unique<moesim::CollectiveNetwork>(sim);
  } else {
    net = std::make_unique<moesim::MaxMinNetwork>(sim);
  }
  system.topology.install(*net);
  const auto& gpus = system.topology.gpus();
  const moesim::CommCalibration ideal;
  moesim::Communicator comm(sim, *net, system.topology,
                            std::vector<uint32_t>(gpus.begin(), gpus.begin() + bytes.size()), ideal,
                            system.reduction_switch);
  Time done = Time::max();
  comm.all_to_allv(bytes, [&] { done = sim.now(); });
  sim.run();
  REQUIRE(done != Time::max());
  return done.seconds();
}

moesim::BuiltSystem two_nodes(const std::string& fabric, double oversubscription) {
  static const moesim::HardwareCatalogue catalogue =
      moesim::load_hardware_catalogue(moesim::test::source_path("topologies/catalogue"));
  moesim::SystemConfig c;
  c.builder = "multi_node";
  c.gpu = "H100-SXM";
  c.gpus = 8;
  c.nodes = 2;
  c.nic_link = "infiniband_ndr";
  c.fabric = fabric;
  c.oversubscription = oversubscription;
  return moesim::build_system(c, catalogue);
}

/// Rank i sends rank j a share of `total` that falls as (1 + (i + j) mod n)^-skew: hot pairs.
moesim::ByteMatrix skewed(size_t n, double total, double skew) {
  moesim::ByteMatrix m(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (i != j) m[i][j] = total / std::pow(1.0 + double((i + j) % n), skew);
    }
  }
  return m;
}

}  // namespace

TEST_CASE("the collective-level network drains each link at full bandwidth", "[network]") {
  moesim::Simulator sim;
  moesim::CollectiveNetwork net(sim);
  const auto a = net.add_link({"a", "x", 100 * kGBps, Time::us(1)});
  const auto b = net.add_link({"b", "x", 50 * kGBps, Time::us(1)});
  std::vector<Time> done;
  const auto record = [&] { done.push_back(sim.now()); };
  // Alone: latency plus bytes over the slowest link, as in the max-min model.
  net.start_flow({a, b}, 1e6, {}, record);
  sim.run();
  CHECK(done.at(0) == Time::us(2) + Time::us(20));
  // Two flows sharing link a: it drains both (2 MB at 100 GB/s) before either arrives.
  const Time t0 = sim.now();
  net.start_flow({a}, 1e6, {}, record);
  net.start_flow({a}, 1e6, {}, record);
  CHECK(net.active_flows() == 2);
  sim.run();
  CHECK(done.at(1) == t0 + Time::us(1) + Time::us(20));
  CHECK(done.at(2) == done.at(1));
  CHECK(net.bytes_carried(a) == 3e6);
  CHECK(net.active_flows() == 0);
  CHECK_THROWS_AS(net.start_flow({}, 1.0, {}, {}), std::invalid_argument);
  CHECK_THROWS_AS(net.start_flow({a}, -1.0, {}, {}), std::invalid_argument);
  CHECK_THROWS_AS(net.add_link({"c", "x", 0.0, Time::zero()}), std::invalid_argument);
}

TEST_CASE("the collective-level network agrees with max-min on skewed all-to-alls", "[network]") {
  // Two HGX H100 nodes on NDR rails, and on a 2:1 oversubscribed fat tree; 16 ranks whose
  // pairs carry from 1x to 16^-skew x of 1 MB.
  for (const auto& [fabric, oversubscription] :
       std::vector<std::pair<std::string, double>>{{"rail", 1.0}, {"fat_tree", 2.0}}) {
    const moesim::BuiltSystem system = two_nodes(fabric, oversubscription);
    for (const double skew : {0.0, 1.0, 2.0}) {
      const moesim::ByteMatrix m = skewed(16, 1e6, skew);
      const double flow = all_to_allv_seconds(system, m, false);
      const double closed = all_to_allv_seconds(system, m, true);
      INFO(fabric << " skew " << skew << ": max-min " << flow << " s, collective " << closed);
      CHECK(closed <= flow * 1.000001);  // a lower bound of fair sharing
      // Measured when this was written: equal on the fat tree; on rails max-min takes 4.3%
      // longer at skew 1 and 6.5% at skew 2 (fair sharing is not work-conserving across
      // several bottlenecks, the closed form drains every link at full bandwidth).
      CHECK(closed == Approx(flow).epsilon(skew < 2.0 ? 0.05 : 0.08));
    }
  }
}

TEST_CASE("every committed layer scenario runs within 5% on both network models",
          "[network][cli]") {
  moesim::test::TempDir dir("network-models");
  for (const std::string name :
       {"quickstart", "explicit_ring", "qwen3_like_olmoe", "two_node_fat_tree"}) {
    std::vector<moesim::test::JsonValue> metrics;
    for (const std::string network : {"max_min", "collective"}) {
      const auto out = dir.path() / (name + "-" + network);
      const auto r = moesim::test::run_cli(
          {"run", moesim::test::source_path("scenarios/" + name + ".yaml").string(), "--out",
           out.string(), "--set", "strategies.network=" + network});
      REQUIRE(r.exit_code == 0);
      metrics.push_back(moesim::test::parse_json(moesim::test::read_text(out / "metrics.json")));
    }
    INFO(name);
    CHECK(metrics[1].at("total_us").number ==
          Approx(metrics[0].at("total_us").number).epsilon(0.05));
    const auto& flow_stages = metrics[0].at("stages").items;
    const auto& closed_stages = metrics[1].at("stages").items;
    REQUIRE(flow_stages.size() == closed_stages.size());
    for (size_t s = 0; s < flow_stages.size(); ++s) {
      INFO(flow_stages[s].at("name").text);
      CHECK(closed_stages[s].at("duration_us").number ==
            Approx(flow_stages[s].at("duration_us").number).epsilon(0.05));
    }
  }
}
