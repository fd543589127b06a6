// Collectives as flows: step counts, per-step latency and the bandwidth efficiency, checked on
// a single switch where every expectation can be worked by hand. 4 GPUs, 100 GB/s per GPU per
// direction, 1 us per hop: a GPU-to-GPU transfer of B bytes alone takes 2 us + B / 100 GB/s.

#include <functional>

#include <catch2/catch.hpp>

#include "models/comm/communicator.h"
#include "sim/max_min_network.h"
#include "support/time_printer.h"
#include "topologies/builders/single_switch.h"

using moesim::AllReduceAlgorithm;
using moesim::CommCalibration;
using moesim::Communicator;
using moesim::Time;

namespace {

constexpr double kMB = 1e6;

CommCalibration calibration(double efficiency, Time step_latency) {
  CommCalibration c;
  c.protocols = {moesim::CommProtocol{"only", Time::zero(), step_latency, efficiency}};
  return c;
}

struct Bench {
  moesim::Simulator sim;
  moesim::MaxMinNetwork net{sim};
  moesim::Topology topo = moesim::build_single_switch({4, 100e9, Time::us(1)});
  Time finished = Time::max();

  Bench() { topo.install(net); }
  Communicator comm(CommCalibration with = {}) {
    uint32_t switch_vertex = 0;
    for (uint32_t v = 0; v < topo.nodes().size(); ++v) {
      if (topo.nodes()[v].kind == moesim::NodeKind::kSwitch) switch_vertex = v;
    }
    return Communicator(sim, net, topo, topo.gpus(), with, switch_vertex);
  }
  std::function<void()> done() {
    return [this] { finished = sim.now(); };
  }
  Time run() {
    sim.run();
    return finished;
  }
};

}  // namespace

TEST_CASE("ring all-gather: N-1 steps of total/N", "[communicator]") {
  Bench b;
  Communicator c = b.comm();
  c.all_gather(4 * kMB, b.done());
  // 3 steps, each 1 MB to the ring neighbour: 3 x (2 us + 10 us) = 36 us.
  CHECK(b.run() == Time::us(36));
}

TEST_CASE("step latency and bandwidth efficiency enter every step", "[communicator]") {
  Bench b;
  Communicator c = b.comm(calibration(0.5, Time::us(5)));
  c.reduce_scatter(4 * kMB, b.done());
  // 3 steps of 5 us + 2 us + 1 MB / (0.5 x 100 GB/s) = 20 us: 3 x 27 us = 81 us.
  CHECK(b.run() == Time::us(81));
}

TEST_CASE("ring all-reduce: 2(N-1) steps", "[communicator]") {
  Bench b;
  Communicator c = b.comm();
  c.all_reduce(4 * kMB, AllReduceAlgorithm::kRing, b.done());
  // 6 steps of 2 us + 10 us = 72 us.
  CHECK(b.run() == Time::us(72));
}

TEST_CASE("switch-reduced all-reduce: the buffer up and down once", "[communicator]") {
  Bench b;
  CommCalibration switch_at_80 = calibration(1.0, Time::zero());
  switch_at_80.switch_reduce_efficiency = 0.8;
  Communicator c = b.comm(switch_at_80);
  c.all_reduce(4 * kMB, AllReduceAlgorithm::kSwitchReduce, b.done());
  // Up and down overlap on separate links: 1 hop (1 us) + 4 MB / (0.8 x 100 GB/s) = 51 us.
  CHECK(b.run() == Time::us(51));
}

TEST_CASE("all-to-all: one step, every pair at once", "[communicator]") {
  Bench b;
  Communicator c = b.comm();
  c.all_to_all(4 * kMB, b.done());
  // Each GPU sends 1 MB to each of 3 others: its up-link carries 3 MB at 100 GB/s, 2 hops:
  // 2 us + 30 us = 32 us.
  CHECK(b.run() == Time::us(32));
}

TEST_CASE("hierarchical all-to-all: intra-node staging, then one exchange per node pair",
          "[communicator]") {
  Bench b;
  Communicator c = b.comm();
  // 2 nodes of 2 ranks, 1 MB between every pair of distinct ranks.
  moesim::ByteMatrix m(4, std::vector<double>(4, kMB));
  for (size_t i = 0; i < 4; ++i) m[i][i] = 0.0;
  c.all_to_allv_hierarchical(m, 2, b.done());
  // Step 1: rank (n, l) sends its peer (n, 1-l) what goes to local index 1-l on both nodes:
  // 2 MB, one flow per up-link: 2 us + 20 us. Step 2: (n, p) sends (m, p) what node n has for
  // it: 2 MB, again 22 us. Total 44 us.
  CHECK(b.run() == Time::us(44));
}

TEST_CASE("a point-to-point send", "[communicator]") {
  Bench b;
  Communicator c = b.comm(calibration(1.0, Time::us(3)));
  c.send(0, 2, 1 * kMB, b.done());
  // 3 us step latency + 2 us of hops + 10 us.
  CHECK(b.run() == Time::us(15));
}

TEST_CASE("communicator rejects bad groups and calibrations", "[communicator]") {
  Bench b;
  CHECK_THROWS_AS(Communicator(b.sim, b.net, b.topo, {}, {}), std::invalid_argument);
  CHECK_THROWS_AS(b.comm(calibration(0.0, Time::zero())), std::invalid_argument);
  CHECK_THROWS_AS(b.comm(calibration(1.5, Time::zero())), std::invalid_argument);
  Communicator no_switch(b.sim, b.net, b.topo, b.topo.gpus(), {});
  CHECK_THROWS_AS(no_switch.all_reduce(kMB, AllReduceAlgorithm::kSwitchReduce, {}),
                  std::invalid_argument);
  Communicator c = b.comm();
  CHECK_THROWS_AS(c.all_to_allv_hierarchical(moesim::ByteMatrix(4, std::vector<double>(4)), 3, {}),
                  std::invalid_argument);
  CHECK_THROWS_AS(c.send(0, 9, kMB, {}), std::invalid_argument);
}
