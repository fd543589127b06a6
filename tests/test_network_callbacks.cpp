// Regression tests for re-entrancy in MaxMinNetwork: completion callbacks and finish records
// that start new flows, zero-byte zero-latency flows, and bounded bookkeeping for long flows.

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/max_min_network.h"
#include "sim/simulator.h"
#include "support/time_printer.h"

using moesim::FlowRecord;
using moesim::FlowTag;
using moesim::LinkConfig;
using moesim::LinkId;
using moesim::MaxMinNetwork;
using moesim::Simulator;
using moesim::Time;

TEST_CASE(
    "a zero-byte flow on a zero-latency path completes from an event, not inside "
    "start_flow",
    "[max_min_network]") {
  Simulator sim;
  MaxMinNetwork net(sim);
  const LinkId l = net.add_link(LinkConfig{"l", "test", 1e9, Time::zero()});
  bool done = false;
  net.start_flow({l}, 0.0, FlowTag{}, [&] { done = true; });
  // start_flow only schedules: the caller can finish its own bookkeeping first.
  CHECK_FALSE(done);
  CHECK(net.active_flows() == 1);
  sim.run();
  // No latency and no bytes: done at t = 0.
  CHECK(done);
  CHECK(sim.now() == Time::zero());
}

TEST_CASE("finish observers and callbacks may start new flows", "[max_min_network]") {
  Simulator sim;
  MaxMinNetwork net(sim);
  const LinkId l = net.add_link(LinkConfig{"l", "test", 1e9, Time::zero()});
  // Each finish record starts a 1 MB flow until 200 have run: the flow table grows while a
  // finishing flow's record and path are still being read by later observers.
  int started = 1;
  std::vector<size_t> path_lengths;
  net.flow_finished.connect([&](const FlowRecord&) {
    if (started < 200) {
      ++started;
      net.start_flow({l}, 1e6, FlowTag{}, nullptr);
    }
  });
  net.flow_finished.connect([&](const FlowRecord& r) { path_lengths.push_back(r.path->size()); });
  net.start_flow({l}, 1e6, FlowTag{}, nullptr);
  sim.run();
  // 200 flows one after another, 1 MB at 1 GB/s = 1 ms each: 200 ms in all.
  CHECK(path_lengths.size() == 200);
  CHECK(path_lengths == std::vector<size_t>(200, 1));
  CHECK(sim.now() == Time::ms(200));
}

TEST_CASE("long flows under churn keep the network's bookkeeping bounded", "[max_min_network]") {
  Simulator sim;
  MaxMinNetwork net(sim);
  const LinkId l = net.add_link(LinkConfig{"l", "test", 1e9, Time::zero()});
  // 100 long flows (1 TB each) share the link with 10,000 short ones started back to back;
  // every short flow re-rates all 100 long flows.
  for (int i = 0; i < 100; ++i) net.start_flow({l}, 1e12, FlowTag{}, nullptr);
  int short_flows = 0;
  std::function<void()> next = [&] {
    if (++short_flows < 10'000) net.start_flow({l}, 1e3, FlowTag{}, next);
  };
  net.start_flow({l}, 1e3, FlowTag{}, next);
  sim.run_until(Time::s(2));
  // Each short flow gets 1/101 of 1 GB/s: 1 kB takes 101 us, so all 10,000 end by 1.01 s.
  CHECK(short_flows == 10'000);
  CHECK(net.active_flows() == 100);
  // Each short flow's end and its successor's start share one re-rate of 101 flows.
  CHECK(net.flows_rerated() >= 10'000u * 101);
  // One deadline per active flow, however many re-rates moved them.
  CHECK(net.pending_deadlines() == 100);
}
