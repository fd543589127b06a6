#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/max_min_network.h"
#include "sim/simulator.h"
#include "support/time_printer.h"

namespace {

using moesim::FlowRecord;
using moesim::FlowTag;
using moesim::LinkConfig;
using moesim::LinkId;
using moesim::MaxMinNetwork;
using moesim::Phase;
using moesim::Simulator;
using moesim::Time;

constexpr double kMB = 1e6;
constexpr double kGBps = 1e9;

// A simulator, a network on it, and helpers to record when flows finish.
struct NetworkBench {
  Simulator sim;
  MaxMinNetwork net{sim};

  LinkId link(const std::string& name, double bandwidth, Time latency) {
    return net.add_link(LinkConfig{name, "test", bandwidth, latency});
  }
  // Starts a flow now whose finish time lands in `finished_at`.
  uint64_t flow(const std::vector<LinkId>& path, double bytes, Time& finished_at) {
    return net.start_flow(path, bytes, FlowTag{},
                          [this, &finished_at] { finished_at = sim.now(); });
  }
};

const Time kNotFinished = Time::max();

}  // namespace

TEST_CASE("a lone flow waits the path latency, then drains at the link rate", "[max_min_network]") {
  NetworkBench bench;
  const LinkId up = bench.link("up", 100 * kGBps, Time::us(1));
  const LinkId down = bench.link("down", 100 * kGBps, Time::us(1));
  Time finished = kNotFinished;
  bench.flow({up, down}, 1 * kMB, finished);
  bench.sim.run();
  // 2 hops x 1 us latency, then 1 MB at 100 GB/s = 10 us: 12 us.
  CHECK(finished == Time::us(12));
}

TEST_CASE("two flows on one link get half the bandwidth each", "[max_min_network]") {
  NetworkBench bench;
  const LinkId shared = bench.link("shared", 100 * kGBps, Time::us(1));
  Time first = kNotFinished;
  Time second = kNotFinished;
  const uint64_t first_id = bench.flow({shared}, 1 * kMB, first);
  bench.flow({shared}, 1 * kMB, second);
  bench.sim.run_until(Time::us(5));
  // After the 1 us latency both are active on the link: 100 GB/s / 2 = 50 GB/s.
  CHECK(bench.net.rate_of(first_id) == 50 * kGBps);
  bench.sim.run();
  // 1 us latency + 1 MB at 50 GB/s = 20 us: both at 21 us.
  CHECK(first == Time::us(21));
  CHECK(second == Time::us(21));
}

TEST_CASE("a flow bottlenecked on a narrow link leaves the rest of a shared link",
          "[max_min_network]") {
  NetworkBench bench;
  const LinkId narrow = bench.link("narrow", 10 * kGBps, Time::zero());
  const LinkId shared = bench.link("shared", 100 * kGBps, Time::zero());
  Time a_done = kNotFinished;
  Time b_done = kNotFinished;
  const uint64_t a = bench.flow({narrow, shared}, 1 * kMB, a_done);
  const uint64_t b = bench.flow({shared}, 18 * kMB, b_done);
  bench.sim.run_until(Time::us(1));
  // A is held to the narrow link's 10 GB/s; B gets the shared link's remaining 100 - 10 = 90.
  CHECK(bench.net.rate_of(a) == 10 * kGBps);
  CHECK(bench.net.rate_of(b) == 90 * kGBps);
  bench.sim.run();
  // A: 1 MB at 10 GB/s = 100 us.
  CHECK(a_done == Time::us(100));
  // B: 9 MB by 100 us at 90 GB/s, then the last 9 MB alone at 100 GB/s = 90 us: 190 us.
  CHECK(b_done == Time::us(190));
}

TEST_CASE("a flow starting mid-way re-rates its neighbour, and again when it leaves",
          "[max_min_network]") {
  NetworkBench bench;
  const LinkId shared = bench.link("shared", 100 * kGBps, Time::us(1));
  Time a_done = kNotFinished;
  Time b_done = kNotFinished;
  bench.flow({shared}, 2 * kMB, a_done);
  bench.sim.schedule_at(Time::us(10), Phase::kDefault,
                        [&] { bench.flow({shared}, 2 * kMB, b_done); });
  bench.sim.run();
  // A is active from 1 us at 100 GB/s. B starts at 10 us and joins at 11 us, when A has
  // carried 1 MB; from then both get 50 GB/s, so A's last 1 MB takes 20 us: A ends at 31 us.
  CHECK(a_done == Time::us(31));
  // B carried 1 MB by 31 us, then has the link alone: 1 MB at 100 GB/s = 10 us, ends at 41 us.
  // Every re-rate here falls on whole microseconds, so the per-re-rate round-up adds nothing.
  CHECK(b_done == Time::us(41));
}

TEST_CASE("finish times round up to a whole picosecond at each re-rate", "[max_min_network]") {
  NetworkBench bench;
  const LinkId shared = bench.link("shared", 3 * kGBps, Time::zero());
  Time a_done = kNotFinished;
  Time b_done = kNotFinished;
  bench.flow({shared}, 1000, a_done);
  bench.flow({shared}, 2000, b_done);
  bench.sim.run();
  // 1.5 GB/s each: A's 1000 B take 666666.67 ps, rounded up to 666667 ps.
  CHECK(a_done == Time::ps(666'667));
  // By then B drained 1.5 GB/s x 666667 ps = 1000.0005 B and has 999.9995 B left; alone at
  // 3 GB/s that takes 333333.17 ps, rounded up to 333334: B ends at 1000001 ps, one picosecond
  // past the exact 1 us (at most one picosecond per re-rate).
  CHECK(b_done == Time::ps(1'000'001));
}

TEST_CASE("a zero-byte flow finishes after the path latency alone", "[max_min_network]") {
  NetworkBench bench;
  const LinkId first = bench.link("first", 10 * kGBps, Time::us(1));
  const LinkId second = bench.link("second", 10 * kGBps, Time::us(2));
  Time finished = kNotFinished;
  bench.flow({first, second}, 0.0, finished);
  bench.sim.run_until(Time::ns(2999));
  // Still within its 1 + 2 = 3 us latency: not done and still counted as active.
  CHECK(finished == kNotFinished);
  CHECK(bench.net.active_flows() == 1);
  bench.sim.run();
  // Latency 1 us + 2 us, no bytes to drain: 3 us.
  CHECK(finished == Time::us(3));
  // Nothing crossed the links.
  CHECK(bench.net.bytes_carried(first) == 0.0);
  CHECK(bench.net.active_flows() == 0);
}

TEST_CASE("only flows connected to a change through shared links are re-rated",
          "[max_min_network]") {
  NetworkBench bench;
  // Group 1: links p and r, joined by flow a2 that crosses both. Group 2: link q alone.
  const LinkId p = bench.link("p", 100 * kGBps, Time::zero());
  const LinkId r = bench.link("r", 100 * kGBps, Time::zero());
  const LinkId q = bench.link("q", 100 * kGBps, Time::zero());
  Time a1 = kNotFinished, a2 = kNotFinished, a3 = kNotFinished;
  Time b1 = kNotFinished, b2 = kNotFinished;
  bench.flow({p}, 1 * kMB, a1);
  bench.flow({p, r}, 10 * kMB, a2);
  bench.flow({r}, 10 * kMB, a3);
  bench.flow({q}, 2 * kMB, b1);
  bench.flow({q}, 10 * kMB, b2);
  bench.sim.run_until(Time::zero());
  // All five start at 0 and are rated together once.
  CHECK(bench.net.flows_rerated() == 5);

  bench.sim.run_until(Time::us(30));
  // Everyone runs at 50 GB/s. a1 (1 MB) ends at 20 us: its link p holds a2, and a2's other link
  // r holds a3, so a2 and a3 are re-rated (5 + 2 = 7); b1 and b2 on q are not.
  CHECK(a1 == Time::us(20));
  CHECK(bench.net.flows_rerated() == 7);

  bench.sim.run_until(Time::us(50));
  // b1 (2 MB at 50 GB/s) ends at 40 us: only b2 shares q, so 7 + 1 = 8.
  CHECK(b1 == Time::us(40));
  CHECK(bench.net.flows_rerated() == 8);

  bench.sim.run();
  // b2: 2 MB by 40 us, then 8 MB at 100 GB/s = 80 us: 120 us. a2 and a3 keep 50 GB/s (r is
  // shared) and end together at 10 MB / 50 GB/s = 200 us. Links left empty re-rate no one.
  CHECK(b2 == Time::us(120));
  CHECK(a2 == Time::us(200));
  CHECK(a3 == Time::us(200));
  CHECK(bench.net.flows_rerated() == 8);
}

TEST_CASE("bytes carried, active flows and finish records", "[max_min_network]") {
  NetworkBench bench;
  const LinkId up = bench.link("up", 100 * kGBps, Time::us(1));
  const LinkId down = bench.link("down", 100 * kGBps, Time::us(1));
  std::vector<FlowRecord> records;
  std::vector<std::vector<LinkId>> paths;
  bench.net.flow_finished.connect([&](const FlowRecord& record) {
    records.push_back(record);
    paths.push_back(*record.path);
  });

  bench.sim.schedule_at(Time::us(5), Phase::kDefault, [&] {
    bench.net.start_flow({up, down}, 1 * kMB, FlowTag{2, 5, 7}, nullptr);
  });
  const uint64_t short_id = bench.net.start_flow({up}, 0.5 * kMB, FlowTag{1, 3, 4}, nullptr);
  // Started flows count as active from start_flow on, latency phase included.
  CHECK(bench.net.active_flows() == 1);

  bench.sim.run_until(Time::us(3));
  // The 0.5 MB flow runs from 1 us at 100 GB/s and is mid-way: nothing has finished crossing.
  CHECK(bench.net.bytes_carried(up) == 0.0);
  CHECK(records.empty());

  bench.sim.run_until(Time::us(6));
  // The short flow ended at 1 + 5 = 6 us; the long one started at 5 us and is in latency.
  CHECK(bench.net.active_flows() == 1);
  CHECK(bench.net.bytes_carried(up) == 0.5 * kMB);

  bench.sim.run();
  CHECK(bench.net.active_flows() == 0);
  // up carried both flows, down only the long one.
  CHECK(bench.net.bytes_carried(up) == 1.5 * kMB);
  CHECK(bench.net.bytes_carried(down) == 1 * kMB);

  REQUIRE(records.size() == 2);
  // Short flow: created at 0, 1 us latency + 0.5 MB at 100 GB/s = 5 us: finished at 6 us.
  CHECK(records[0].id == short_id);
  CHECK(records[0].created == Time::zero());
  CHECK(records[0].finished == Time::us(6));
  CHECK(records[0].bytes == 0.5 * kMB);
  CHECK(records[0].tag.src == 1);
  CHECK(records[0].tag.dst == 3);
  CHECK(records[0].tag.kind == 4);
  CHECK(paths[0] == std::vector<LinkId>{up});
  // Long flow: created at 5 us, 2 us latency + 1 MB at 100 GB/s = 10 us: finished at 17 us.
  CHECK(records[1].id != short_id);
  CHECK(records[1].created == Time::us(5));
  CHECK(records[1].finished == Time::us(17));
  CHECK(records[1].tag.src == 2);
  CHECK(records[1].tag.dst == 5);
  CHECK(records[1].tag.kind == 7);
  CHECK(paths[1] == std::vector<LinkId>{up, down});
}

TEST_CASE("add_link and start_flow reject bad input", "[max_min_network]") {
  NetworkBench bench;
  const LinkId good = bench.link("good", 1 * kGBps, Time::zero());
  // A link needs bandwidth > 0 and finite, latency >= 0 and a fresh name.
  CHECK_THROWS_AS(bench.link("zero", 0.0, Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(bench.link("negative", -1.0, Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(bench.link("nan", std::nan(""), Time::zero()), std::invalid_argument);
  CHECK_THROWS_AS(bench.link("late", 1 * kGBps, Time::ps(-1)), std::invalid_argument);
  CHECK_THROWS_WITH(bench.link("good", 1 * kGBps, Time::zero()), Catch::Contains("good"));
  // Only the first link was registered.
  CHECK(bench.net.link_count() == 1);

  Time unused = kNotFinished;
  // A flow needs a non-empty path of known links and a finite, non-negative size.
  CHECK_THROWS_AS(bench.flow({}, 1.0, unused), std::invalid_argument);
  CHECK_THROWS_AS(bench.flow({good, good + 1}, 1.0, unused), std::invalid_argument);
  CHECK_THROWS_AS(bench.flow({good + 1}, 1.0, unused), std::invalid_argument);
  CHECK_THROWS_AS(bench.flow({good}, -1.0, unused), std::invalid_argument);
  CHECK_THROWS_AS(bench.flow({good}, std::nan(""), unused), std::invalid_argument);
  CHECK_THROWS_AS(bench.flow({good}, std::numeric_limits<double>::infinity(), unused),
                  std::invalid_argument);
  // A rejected flow leaves nothing behind.
  CHECK(bench.net.active_flows() == 0);
  CHECK(bench.sim.idle());
}

TEST_CASE("flows starting or finishing at one instant share one re-rate", "[max_min_network]") {
  constexpr int kShortFlows = 4;
  NetworkBench bench;
  const LinkId shared = bench.link("shared", 100 * kGBps, Time::zero());
  std::vector<Time> short_done(kShortFlows, kNotFinished);
  Time long_done = kNotFinished;
  for (Time& done : short_done) bench.flow({shared}, 1 * kMB, done);
  bench.flow({shared}, 5 * kMB, long_done);
  bench.sim.run_until(Time::zero());
  // Five starts at one instant: five activation events and one re-rate event, of 5 flows
  // (not 1 + 2 + 3 + 4 + 5).
  CHECK(bench.sim.events_processed() == 6);
  CHECK(bench.net.flows_rerated() == kShortFlows + 1);

  bench.sim.run();
  // 20 GB/s each: the short flows' 1 MB take 50 us.
  for (const Time done : short_done) CHECK(done == Time::us(50));
  // The long flow carried 1 MB by 50 us, then 4 MB alone at 100 GB/s = 40 us: 90 us.
  CHECK(long_done == Time::us(90));
  // The four ends at 50 us trigger one re-rate of the long flow (5 + 1), not four (5 + 4).
  CHECK(bench.net.flows_rerated() == kShortFlows + 2);
  // Events: 5 activations and the re-rate at 0, then at 50 us and at 90 us one completion
  // wake-up and one re-rate each: 6 + 2 + 2 = 10.
  CHECK(bench.sim.events_processed() == 10);
}

TEST_CASE("a path that crosses a link twice leaves the link's other flows intact",
          "[max_min_network]") {
  // Regression: detach() mis-tracked positions when a flow listed on a link twice was moved in
  // that link's flow list, dropping a neighbour from the link. One 90 GB/s link; the looping
  // flow counts twice on it, so it takes two shares and uses 2 x its rate.
  NetworkBench bench;
  const LinkId shared = bench.link("shared", 90 * kGBps, Time::zero());
  Time first_done = kNotFinished;
  Time loop_done = kNotFinished;
  Time last_done = kNotFinished;
  bench.flow({shared}, 0.3 * kMB, first_done);
  bench.flow({shared, shared}, 1.05 * kMB, loop_done);
  bench.sim.schedule_at(Time::us(20), Phase::kDefault,
                        [&] { bench.flow({shared}, 1.2 * kMB, last_done); });
  bench.sim.run();
  // Three shares of 30 GB/s: the first flow's 0.3 MB take 10 us.
  CHECK(first_done == Time::us(10));
  // The loop has 0.3 MB by 10 us, 45 GB/s (two shares of 90) to 20 us: 0.75 MB; then 30 GB/s
  // beside the last flow for its remaining 0.3 MB = 10 us: ends at 30 us.
  CHECK(loop_done == Time::us(30));
  // The last flow has 0.3 MB by 30 us, then the whole 90 GB/s for 0.9 MB = 10 us: 40 us.
  CHECK(last_done == Time::us(40));
  CHECK(bench.net.active_flows() == 0);
}
