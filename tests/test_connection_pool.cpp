// A closed loop's connection pool (workload.closed_loop.connection_limit): at most L requests
// past the clients at once, the others waiting in the clients in the order sent, their wait
// counted in TTFT; by hand, as a property over random lengths, and through the CLI.

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/engine/serving/serving_metrics.h"
#include "models/engine/serving/serving_simulation.h"
#include "sim/rng.h"
#include "support/millisecond_cost.h"
#include "support/scenario_files.h"
#include "support/time_printer.h"

using namespace moesim;
using Catch::Matchers::Contains;
using moesim::test::four_token_requests;
using moesim::test::MillisecondCost;
using moesim::test::one_rank;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

/// The mean of requests.csv's ttft_s column (the sixth).
double mean_ttft_s(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  REQUIRE(line.find("input_tokens,output_tokens,ttft_s,") != std::string::npos);
  double sum = 0;
  size_t n = 0;
  while (std::getline(in, line)) {
    size_t field = 0;
    for (int i = 0; i < 5; ++i) field = line.find(',', field) + 1;
    sum += std::stod(line.substr(field, line.find(',', field) - field));
    ++n;
  }
  REQUIRE(n > 0);
  return sum / double(n);
}

}  // namespace

TEST_CASE("a connection pool of one serves three clients one request at a time, by hand",
          "[closed_loop]") {
  // Four requests of 2 outputs, three clients, one connection, 1 ms per iteration. All three
  // clients send at 0; request 0 runs [0, 2) ms, then request 1 (sent at 0) takes its
  // connection, and request 0's client sends request 3 at 2 ms, behind request 2.
  MillisecondCost cost;
  ServingSimulation sim(four_token_requests(4, 2), one_rank(), cost, Time::s(1), false, 1, 3);
  sim.set_connection_limit(1);
  sim.run();
  const auto& r = sim.requests();
  const std::vector<Time> sent = {Time::zero(), Time::zero(), Time::zero(), Time::ms(2)};
  const std::vector<Time> connected = {Time::zero(), Time::ms(2), Time::ms(4), Time::ms(6)};
  for (size_t i = 0; i < r.size(); ++i) {
    CAPTURE(i);
    CHECK(r[i].arrival == sent[i]);
    CHECK(r[i].queued == connected[i]);
    CHECK(r[i].token_times ==
          std::vector<Time>{connected[i] + Time::ms(1), connected[i] + Time::ms(2)});
  }
  // TTFT runs from the send, so it holds the wait for a connection: 1, 3, 5 and 5 ms.
  const std::vector<RequestMetrics> m = request_metrics(r);
  CHECK(m[0].ttft_s == Approx(1e-3));
  CHECK(m[1].ttft_s == Approx(3e-3));
  CHECK(m[2].ttft_s == Approx(5e-3));
  CHECK(m[3].ttft_s == Approx(5e-3));
  CHECK(m[3].tpot_s == Approx(1e-3));

  // An open loop's requests have no clients to hold back.
  ServingSimulation open(four_token_requests(2, 2, {Time::zero(), Time::ms(1)}), one_rank(), cost);
  CHECK_THROWS_AS(open.set_connection_limit(1), std::invalid_argument);
  CHECK_NOTHROW(open.set_connection_limit(0));
}

TEST_CASE("a request waiting for a connection does not load the front end", "[closed_loop]") {
  // 3 ms per other request in flight. Without a pool, request 1 (sent at 0 beside request 0)
  // waits 3 ms in the front end; with one connection it leaves the client at 2 ms, when
  // request 0 has finished, and finds no other in flight.
  for (const uint32_t limit : {0u, 1u}) {
    CAPTURE(limit);
    MillisecondCost cost;
    ServingSimulation sim(four_token_requests(2, 2), one_rank(), cost, Time::s(1), false, 1, 2);
    sim.set_front_end({0, 0, 3000});
    sim.set_connection_limit(limit);
    sim.run();
    CHECK(sim.requests()[1].queued == (limit == 0 ? Time::ms(3) : Time::ms(2)));
  }
}

TEST_CASE("a connection pool keeps at most L past the clients, in the order sent",
          "[closed_loop]") {
  RngStream rng(21);
  std::vector<ServingRequest> requests(80);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].id = i;
    requests[i].input_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(60));
    requests[i].output_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(30));
  }
  for (const uint32_t limit : {1u, 3u, 6u, 12u}) {
    for (const bool async : {false, true}) {
      CAPTURE(limit, async);
      MillisecondCost cost;
      ServingSimulation sim(requests, one_rank(), cost, Time::ms(100), async, 1, 12);
      sim.set_connection_limit(limit);
      sim.run();
      REQUIRE(sim.finished() == requests.size());
      const auto& r = sim.requests();
      // A connection is held from leaving the client (no front-end delay: `queued`) to the
      // last token; at an instant the finishing requests let go before the next ones connect.
      std::vector<std::pair<Time, int>> edges;
      for (const ServingRequest& q : r) {
        CHECK(q.queued >= q.arrival);
        edges.emplace_back(q.queued, +1);
        edges.emplace_back(q.token_times.back(), -1);
      }
      std::sort(edges.begin(), edges.end());
      int held = 0, most = 0;
      for (const auto& [time, step] : edges) most = std::max(most, held += step);
      CHECK(most == static_cast<int>(limit));
      // First sent, first connected; the 12 clients still send at completions.
      for (size_t k = 1; k < r.size(); ++k) CHECK(r[k - 1].queued <= r[k].queued);
      for (size_t k = 12; k < r.size(); ++k) {
        CAPTURE(k);
        CHECK(std::any_of(r.begin(), r.end(), [&](const ServingRequest& q) {
          return q.token_times.back() == r[k].arrival;
        }));
      }
    }
  }
}

TEST_CASE("a closed-loop scenario's connection limit is reported, kept and checked",
          "[closed_loop][cli]") {
  TempDir dir("connection-pool");
  const std::string text = read_text(source_path("tests/scenarios/serving_tp_roofline.yaml"));
  const auto scenario = [&](const std::string& limit) {
    const auto path = dir.path() / "pool.yaml";
    write_text(path, replace_once(text, "  requests: serving_small.requests.csv\n",
                                  "  closed_loop: {concurrency: 6, requests: 18, input_tokens: "
                                  "200, output_tokens: 16" +
                                      limit + "}\n"));
    return path.string();
  };
  const auto a =
      run_cli({"run", scenario(", connection_limit: 2"), "--out", (dir.path() / "a").string()});
  REQUIRE(a.exit_code == 0);
  CHECK_THAT(a.out, Contains("at most 2 requests past the clients at once (connection pool)"));
  // The hardware limit runs no more sequences than the pool lets through.
  CHECK_THAT(a.out, Contains("batch 2 sequences"));
  CHECK_THAT(read_text(dir.path() / "a" / "resolved.yaml"), Contains("connection_limit: 2"));
  const auto b = run_cli({"run", (dir.path() / "a" / "resolved.yaml").string(), "--out",
                          (dir.path() / "b").string(), "--quiet"});
  REQUIRE(b.exit_code == 0);
  CHECK(read_text(dir.path() / "b" / "requests.csv") ==
        read_text(dir.path() / "a" / "requests.csv"));
  // Six clients through two connections wait longer for their first token than six at once.
  const auto c = run_cli({"run", scenario(""), "--out", (dir.path() / "c").string()});
  REQUIRE(c.exit_code == 0);
  CHECK(mean_ttft_s(read_text(dir.path() / "a" / "requests.csv")) >
        1.5 * mean_ttft_s(read_text(dir.path() / "c" / "requests.csv")));

  const auto bad =
      run_cli({"run", scenario(", connection_limit: 0"), "--out", (dir.path() / "o").string()});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("workload.closed_loop.connection_limit: must be between 1 and"));
}
