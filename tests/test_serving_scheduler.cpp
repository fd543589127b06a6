// The schedulers and the serving loop on their own, with a cost model that charges a fixed
// time per iteration: invariants every serving run must keep, and vLLM V1's batching rules.

#include <map>
#include <memory>
#include <set>

#include <catch2/catch.hpp>

#include "models/engine/serving/serving_simulation.h"
#include "models/engine/serving/static_batch_scheduler.h"
#include "models/engine/serving/vllm_v1_scheduler.h"
#include "sim/rng.h"

using namespace moesim;

namespace {

/// 1 ms per iteration plus 1 us per token; checks every batch as it is handed over.
class CheckingCost final : public ServingCostModel {
 public:
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    std::set<const ServingRequest*> seen;
    uint64_t tokens = 0;
    for (const ScheduledBatch& b : batches) {
      for (const BatchItem& item : b.items) {
        CHECK(seen.insert(item.request).second);  // no request twice in one iteration
        CHECK(item.new_tokens > 0);
        CHECK(item.context_before == item.request->computed);
        CHECK(item.request->computed + item.new_tokens <= item.request->tokens_needed());
        tokens += item.new_tokens;
      }
      max_batch_tokens = std::max(max_batch_tokens, b.tokens());
      max_batch_seqs = std::max(max_batch_seqs, b.items.size());
    }
    ++iterations;
    IterationCost c;
    c.duration = Time::ms(1) + Time::us(static_cast<int64_t>(tokens));
    c.rank_busy_us.assign(batches.size(), 0.0);
    return c;
  }
  uint64_t iterations = 0, max_batch_tokens = 0;
  size_t max_batch_seqs = 0;
};

std::vector<ServingRequest> random_requests(size_t n, uint64_t seed, uint32_t max_input,
                                            uint32_t max_output) {
  RngStream rng(seed);
  std::vector<ServingRequest> out;
  double t = 0;
  for (size_t i = 0; i < n; ++i) {
    t += rng.exponential(500.0);  // requests per second: a burst that queues
    ServingRequest r;
    r.id = i;
    r.arrival = Time::from_seconds_ceil(t);
    r.input_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(max_input));
    r.output_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(max_output));
    out.push_back(r);
  }
  return out;
}

template <class Scheduler>
std::vector<std::unique_ptr<BatchScheduler>> schedulers(size_t ranks, SchedulerLimits limits,
                                                        uint64_t blocks, uint32_t block_size) {
  std::vector<std::unique_ptr<BatchScheduler>> out;
  for (size_t r = 0; r < ranks; ++r) {
    out.push_back(std::make_unique<Scheduler>(limits, KvBlockPool(blocks, block_size)));
  }
  return out;
}

void check_finished_and_freed(const ServingSimulation& sim) {
  for (const ServingRequest& r : sim.requests()) {
    REQUIRE(r.finished());
    CHECK(r.generated == r.output_tokens);
    CHECK(r.token_times.size() == r.output_tokens);
    CHECK(std::is_sorted(r.token_times.begin(), r.token_times.end()));
    CHECK(r.token_times.front() > r.arrival);
    CHECK(r.kv_blocks == 0);
  }
  for (size_t rank = 0; rank < sim.ranks(); ++rank) {
    CHECK(sim.scheduler(rank).kv_cache().used() == 0);
    CHECK(sim.scheduler(rank).idle());
  }
  for (const ServingSample& s : sim.samples()) CHECK(s.kv_usage <= 1.0);
}

/// Every iteration `sim` reports from now on (the simulation keeps none itself). The vector
/// lives as long as the simulation.
const std::vector<IterationRecord>& keep_iterations(ServingSimulation& sim) {
  auto kept = std::make_shared<std::vector<IterationRecord>>();
  sim.iteration_started.connect([kept](const IterationRecord& r) { kept->push_back(r); });
  return *kept;
}

}  // namespace

TEST_CASE("KV block pool grows in whole blocks and refuses beyond capacity", "[serving]") {
  KvBlockPool pool(4, 16);
  ServingRequest a, b;
  CHECK(pool.grow_to(a, 17));  // 2 blocks
  CHECK(a.kv_blocks == 2);
  CHECK(pool.grow_to(a, 32));  // still 2
  CHECK(pool.used() == 2);
  CHECK_FALSE(pool.grow_to(b, 49));  // 4 blocks, 2 free: nothing changes
  CHECK(b.kv_blocks == 0);
  CHECK(pool.used() == 2);
  pool.release(a);
  CHECK(pool.used() == 0);
  CHECK(pool.grow_to(b, 64));
  CHECK(pool.free_blocks() == 0);
  CHECK_FALSE(pool.grow_to(b, 65));
}

TEST_CASE("vLLM V1 schedules decodes first, then chunks the next prompt into the budget",
          "[serving]") {
  VllmV1Scheduler s(SchedulerLimits{8, 100}, KvBlockPool(1000, 16));
  ServingRequest a, b, c;
  a.input_tokens = 150;  // longer than the budget: chunked
  a.output_tokens = 3;
  b.input_tokens = 30;
  b.output_tokens = 2;
  c.input_tokens = 10;
  c.output_tokens = 2;
  s.add(a);
  s.add(b);
  s.add(c);

  auto first = s.schedule();  // a takes the whole budget
  REQUIRE(first.items.size() == 1);
  CHECK(first.items[0].new_tokens == 100);
  s.complete(first, Time::ms(1));
  CHECK(a.generated == 0);

  auto second = s.schedule();  // a's last 50 prompt tokens, then b whole, then 20 of c
  REQUIRE(second.items.size() == 3);
  CHECK(second.items[0].request == &a);
  CHECK(second.items[0].new_tokens == 50);
  CHECK(second.items[1].new_tokens == 30);
  CHECK(second.items[2].new_tokens == 10);
  s.complete(second, Time::ms(2));
  CHECK(a.generated == 1);  // prefill done: first token
  CHECK(b.generated == 1);

  auto third = s.schedule();  // three decodes of one token each
  REQUIRE(third.items.size() == 3);
  for (const BatchItem& item : third.items) {
    CHECK(item.new_tokens == 1);
    CHECK_FALSE(item.prefill);
  }
  const auto finished = s.complete(third, Time::ms(3));
  CHECK(finished.size() == 2);  // b and c had two tokens to emit
  CHECK(s.running() == 1);
}

TEST_CASE("vLLM V1 respects max_num_seqs", "[serving]") {
  VllmV1Scheduler s(SchedulerLimits{2, 1000}, KvBlockPool(1000, 16));
  std::vector<ServingRequest> r(5);
  for (auto& q : r) {
    q.input_tokens = 4;
    q.output_tokens = 4;
    s.add(q);
  }
  const auto batch = s.schedule();
  CHECK(batch.items.size() == 2);
  CHECK(s.running() == 2);
  CHECK(s.waiting() == 3);
}

TEST_CASE("vLLM V1 preempts the newest request when the KV cache runs out and recomputes it",
          "[serving]") {
  // 4 blocks of 4 tokens: two requests of 7 prompt + 4 output tokens cannot both finish.
  VllmV1Scheduler s(SchedulerLimits{8, 64}, KvBlockPool(4, 4));
  ServingRequest a, b;
  a.input_tokens = b.input_tokens = 7;
  a.output_tokens = b.output_tokens = 4;
  s.add(a);
  s.add(b);
  Time t = Time::zero();
  for (int i = 0; i < 100 && !(a.finished() && b.finished()); ++i) {
    t = t + Time::ms(1);
    const auto batch = s.schedule();
    CHECK(s.kv_cache().used() <= s.kv_cache().capacity());
    s.complete(batch, t);
  }
  CHECK(a.finished());
  CHECK(b.finished());
  CHECK(b.preemptions >= 1);
  CHECK(a.preemptions == 0);
  CHECK(s.kv_cache().used() == 0);
}

TEST_CASE("serving runs keep their invariants under both schedulers", "[serving]") {
  const auto requests = random_requests(200, 7, 300, 60);
  for (const bool continuous : {true, false}) {
    CAPTURE(continuous);
    CheckingCost cost;
    const SchedulerLimits limits{16, 256};
    auto s = continuous ? schedulers<VllmV1Scheduler>(2, limits, 40, 16)
                        : schedulers<StaticBatchScheduler>(2, limits, 40, 16);
    ServingSimulation sim(requests, std::move(s), cost, Time::ms(100));
    sim.run();
    check_finished_and_freed(sim);
    CHECK(cost.max_batch_tokens <= 256);
    CHECK(cost.max_batch_seqs <= 16);
    if (continuous) CHECK(sim.preemptions() > 0);  // 40 blocks hold two or three requests
  }
}

TEST_CASE("static batching forms the next batch only after the whole batch finishes", "[serving]") {
  StaticBatchScheduler s(SchedulerLimits{2, 100}, KvBlockPool(100, 16));
  ServingRequest a, b, c;
  a.input_tokens = b.input_tokens = c.input_tokens = 4;
  a.output_tokens = 1;
  b.output_tokens = 3;
  c.output_tokens = 1;
  s.add(a);
  s.add(b);
  s.add(c);
  auto batch = s.schedule();
  CHECK(batch.items.size() == 2);
  s.complete(batch, Time::ms(1));  // a finishes, b does not
  batch = s.schedule();
  REQUIRE(batch.items.size() == 1);  // c waits although a slot is free
  CHECK(batch.items[0].request == &b);
}

TEST_CASE("a request larger than a rank's KV cache is refused up front", "[serving]") {
  CheckingCost cost;
  std::vector<ServingRequest> requests(1);
  requests[0].input_tokens = 100;
  requests[0].output_tokens = 100;
  CHECK_THROWS_WITH(
      ServingSimulation(requests, schedulers<VllmV1Scheduler>(1, {4, 64}, 10, 16), cost),
      Catch::Matchers::Contains("request 0 needs 13 KV blocks"));
}

TEST_CASE("arrivals go to the least-loaded data-parallel rank", "[serving]") {
  CheckingCost cost;
  std::vector<ServingRequest> requests(4);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].id = i;
    requests[i].input_tokens = 8;
    requests[i].output_tokens = 50;
  }
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(2, {8, 64}, 100, 16), cost);
  sim.run();
  std::map<uint32_t, int> per_rank;
  for (const ServingRequest& r : sim.requests()) ++per_rank[r.dp_rank];
  CHECK(per_rank[0] == 2);
  CHECK(per_rank[1] == 2);
}

TEST_CASE("with async scheduling a request arriving mid-iteration waits for the one after next",
          "[serving]") {
  // Iterations take 1 ms + 1 us per token. Request 0 arrives at 0 and decodes for a while;
  // request 1 arrives at 0.5 ms, during the first iteration.
  std::vector<ServingRequest> requests(2);
  requests[0].input_tokens = 10;
  requests[0].output_tokens = 20;
  requests[1].id = 1;
  requests[1].arrival = Time::us(500);
  requests[1].input_tokens = 10;
  requests[1].output_tokens = 2;
  for (const bool async : {false, true}) {
    CAPTURE(async);
    CheckingCost cost;
    ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {8, 64}, 100, 16), cost,
                          Time::s(1), async);
    const std::vector<IterationRecord>& its = keep_iterations(sim);
    sim.run();
    check_finished_and_freed(sim);
    // Iteration 1 runs [0, 1.010 ms): request 0's prefill. Synchronous: request 1 joins
    // iteration 2. Async: iteration 2 was decided at 0, before it arrived, so it joins 3.
    const size_t joined = async ? 2 : 1;
    CHECK(its[joined].tokens == 11);  // request 0's decode token and request 1's prompt
    CHECK(sim.requests()[1].first_scheduled == its[joined].start);
  }
}

namespace {

/// CheckingCost's iteration time split evenly over `stages` pipeline stages.
class StagedCost final : public ServingCostModel {
 public:
  explicit StagedCost(uint32_t stages) : stages_(stages) {}
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    IterationCost c = inner.iteration(batches);
    c.stage_us.assign(stages_, c.duration.microseconds() / stages_);
    return c;
  }
  CheckingCost inner;

 private:
  uint32_t stages_;
};

}  // namespace

TEST_CASE("pipeline stages keep several batches in flight and pass each from stage to stage",
          "[serving]") {
  // Two stages of 10 ms each. A (3 tokens to generate) arrives at 0; B (2 tokens) at 5 ms,
  // while A's prefill is on the first stage. B's prefill enters the first stage when A's
  // leaves it (10 ms); A is not scheduled again until its batch has left the last stage.
  class TwoStages final : public ServingCostModel {
   public:
    IterationCost iteration(std::span<const ScheduledBatch>) override {
      IterationCost c;
      c.duration = Time::ms(20);
      c.stage_us = {10e3, 10e3};
      c.rank_busy_us = {0.0};
      return c;
    }
  } cost;
  std::vector<ServingRequest> requests(2);
  requests[0].input_tokens = requests[1].input_tokens = 4;
  requests[0].output_tokens = 3;
  requests[1].id = 1;
  requests[1].arrival = Time::ms(5);
  requests[1].output_tokens = 2;
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {8, 64}, 100, 16), cost,
                        Time::s(1), false, 2);
  const std::vector<IterationRecord>& its = keep_iterations(sim);
  sim.run();
  check_finished_and_freed(sim);
  const auto ms = [](const std::vector<Time>& times) {
    std::vector<int64_t> out;
    for (const Time t : times) out.push_back(t.picoseconds() / 1'000'000'000);
    return out;
  };
  CHECK(ms(sim.requests()[0].token_times) == std::vector<int64_t>{20, 40, 60});
  CHECK(ms(sim.requests()[1].token_times) == std::vector<int64_t>{30, 50});
  const IterationRecord& second = its.at(1);  // B's prefill
  REQUIRE(second.stages.size() == 2);
  CHECK(second.stages[0] == std::pair{Time::ms(10), Time::ms(20)});
  CHECK(second.stages[1] == std::pair{Time::ms(20), Time::ms(30)});
  // One stage: B joins A's first decode at 20 ms, and both share every iteration after.
  class OneStage final : public ServingCostModel {
   public:
    IterationCost iteration(std::span<const ScheduledBatch>) override {
      IterationCost c;
      c.duration = Time::ms(20);
      c.rank_busy_us = {0.0};
      return c;
    }
  } whole;
  ServingSimulation serial(requests, schedulers<VllmV1Scheduler>(1, {8, 64}, 100, 16), whole);
  serial.run();
  CHECK(ms(serial.requests()[1].token_times) == std::vector<int64_t>{40, 60});
}

TEST_CASE("serving runs keep their invariants with pipeline stages", "[serving]") {
  const auto requests = random_requests(200, 11, 300, 60);
  for (const bool continuous : {true, false}) {
    CAPTURE(continuous);
    StagedCost cost(3);
    const SchedulerLimits limits{16, 256};
    auto s = continuous ? schedulers<VllmV1Scheduler>(2, limits, 40, 16)
                        : schedulers<StaticBatchScheduler>(2, limits, 40, 16);
    ServingSimulation sim(requests, std::move(s), cost, Time::ms(100), false, 3);
    const std::vector<IterationRecord>& its = keep_iterations(sim);
    sim.run();
    check_finished_and_freed(sim);
    CHECK(cost.inner.max_batch_tokens <= 256);
    if (continuous) CHECK(sim.preemptions() > 0);
    // Batches overlap in time: some iteration starts before the one ahead of it ends.
    bool overlapped = false;
    for (size_t i = 1; i < its.size(); ++i)
      overlapped = overlapped || its[i].start < its[i - 1].end;
    CHECK(overlapped);
  }
}

TEST_CASE("a cost model must time every pipeline stage", "[serving]") {
  CheckingCost cost;  // no stage times
  std::vector<ServingRequest> requests(1);
  requests[0].input_tokens = requests[0].output_tokens = 4;
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {8, 64}, 100, 16), cost,
                        Time::s(1), false, 2);
  CHECK_THROWS_WITH(sim.run(), Catch::Matchers::Contains("timed 0 pipeline stages"));
}
