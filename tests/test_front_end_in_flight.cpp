// The front end's in-flight part (FrontEndLatency::per_in_flight_us): a request waits in the
// front end for each other request sent before it and not yet finished, in a closed and in an
// open loop, on a cost model of fixed iteration times.

#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "models/engine/serving/serving_simulation.h"
#include "models/engine/serving/vllm_v1_scheduler.h"
#include "support/time_printer.h"

using namespace moesim;

namespace {

/// 1 ms per iteration.
class MillisecondCost final : public ServingCostModel {
 public:
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    IterationCost c;
    c.duration = Time::ms(1);
    c.rank_busy_us.assign(batches.size(), 0.0);
    return c;
  }
};

std::vector<std::unique_ptr<BatchScheduler>> one_rank() {
  std::vector<std::unique_ptr<BatchScheduler>> out;
  out.push_back(std::make_unique<VllmV1Scheduler>(SchedulerLimits{8, 64}, KvBlockPool(100, 16)));
  return out;
}

/// `n` requests of 4 prompt tokens and `outputs` output tokens, sent at `arrivals` (or unsent).
std::vector<ServingRequest> requests(size_t n, uint32_t outputs, std::vector<Time> arrivals = {}) {
  std::vector<ServingRequest> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id = i;
    out[i].input_tokens = 4;
    out[i].output_tokens = outputs;
    if (i < arrivals.size()) out[i].arrival = arrivals[i];
  }
  return out;
}

}  // namespace

TEST_CASE("a closed loop's clients sent at once wait 0, 1 and 2 times the in-flight latency",
          "[closed_loop]") {
  MillisecondCost cost;
  ServingSimulation sim(requests(3, 2), one_rank(), cost, Time::s(1), false, 1, 3);
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
  ServingSimulation sim(requests(3, 10, {Time::zero(), Time::ms(1), Time::ms(100)}), one_rank(),
                        cost);
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
