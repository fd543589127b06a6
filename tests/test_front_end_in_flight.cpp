// The front end's in-flight part (FrontEndLatency::per_in_flight_us): a request waits in the
// front end for each other request that left the clients before it and has not finished, in a
// closed and in an open loop, on a cost model of fixed iteration times.

#include <catch2/catch.hpp>

#include "models/engine/serving/serving_simulation.h"
#include "support/millisecond_cost.h"
#include "support/time_printer.h"

using namespace moesim;

using moesim::test::four_token_requests;
using moesim::test::MillisecondCost;
using moesim::test::one_rank;

TEST_CASE("a closed loop's clients sent at once wait 0, 1 and 2 times the in-flight latency",
          "[closed_loop]") {
  MillisecondCost cost;
  ServingSimulation sim(four_token_requests(3, 2), one_rank(), cost, Time::s(1), false, 1, 3);
  sim.set_front_end({500, 0, 2000});  // 0.5 ms per request, 2 ms per other in flight
  sim.run();
  const auto& r = sim.requests();
  CHECK(r[0].queued == Time::us(500));
  CHECK(r[1].queued == Time::us(2500));
  CHECK(r[2].queued == Time::us(4500));
}

TEST_CASE("an open loop's request waits for the requests in flight when it arrives, not after",
          "[closed_loop]") {
  // Requests at 0 and 1 ms run 10 output tokens (about 10 ms); the third, at 100 ms, arrives
  // when both have finished.
  MillisecondCost cost;
  ServingSimulation sim(four_token_requests(3, 10, {Time::zero(), Time::ms(1), Time::ms(100)}),
                        one_rank(), cost);
  sim.set_front_end({0, 0, 3000});
  sim.run();
  const auto& r = sim.requests();
  CHECK(r[0].queued == Time::zero());
  CHECK(r[1].queued == Time::ms(4));
  REQUIRE(r[1].finished());
  REQUIRE(r[1].token_times.back() < Time::ms(100));
  CHECK(r[2].queued == Time::ms(100));
  CHECK_THROWS_AS(sim.set_front_end({0, 0, -1}), std::invalid_argument);
}
