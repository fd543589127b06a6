// The front end's in-flight part (FrontEndLatency::per_in_flight_us): a request waits in the
// front end for each other request that left the clients before it and has not finished, in a
// closed and in an open loop, on a cost model of fixed iteration times.

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "models/engine/serving/serving_simulation.h"
#include "models/engine/serving/vllm_v1_scheduler.h"
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

TEST_CASE("requests finishing together on two ranks all leave the count before clients send",
          "[closed_loop]") {
  // Two clients on two data-parallel ranks, 3 ms per other request in flight. Request 1 leaves
  // the front end 3 ms after request 0 and generates 3 tokens fewer, so both finish at the same
  // instant, one on each rank. The next request sent then finds nothing in flight.
  std::vector<std::unique_ptr<BatchScheduler>> two_ranks;
  for (int r = 0; r < 2; ++r) {
    two_ranks.push_back(
        std::make_unique<VllmV1Scheduler>(SchedulerLimits{8, 64}, KvBlockPool(100, 16)));
  }
  std::vector<ServingRequest> requests = four_token_requests(4, 2);
  requests[0].output_tokens = 5;
  MillisecondCost cost;
  ServingSimulation sim(requests, std::move(two_ranks), cost, Time::s(1), false, 1, 2);
  sim.set_front_end({0, 0, 3000});
  sim.run();
  const auto& r = sim.requests();
  REQUIRE(r[0].dp_rank != r[1].dp_rank);
  REQUIRE(r[0].token_times.back() == r[1].token_times.back());
  const Time both_done = r[0].token_times.back();
  CHECK(r[2].arrival == both_done);
  CHECK(r[2].queued == both_done);
  CHECK(r[3].queued == both_done + Time::ms(3));
}
