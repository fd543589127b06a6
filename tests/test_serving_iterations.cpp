// The serving simulation reports each iteration to its observers and keeps only running sums,
// so that its memory does not grow with the number of iterations.

#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "models/engine/serving/serving_simulation.h"
#include "models/engine/serving/vllm_v1_scheduler.h"

using namespace moesim;

namespace {

/// 1 ms per iteration; components and per-rank figures that differ from one iteration to the
/// next, so that a sum over the wrong iterations shows.
class VaryingCost final : public ServingCostModel {
 public:
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    const double n = static_cast<double>(++calls);
    IterationCost c;
    c.duration = Time::ms(1);
    c.attention_us = 100 + n;
    c.dense_us = 50 + 0.5 * n;
    c.moe_us = 300 + 2 * n;
    c.communication_us = 40 + 0.25 * n;
    c.sampling_us = 30;
    c.overhead_us = 20;
    for (size_t r = 0; r < batches.size(); ++r) {
      c.rank_busy_us.push_back(n * double(r + 1));
      for (size_t layer = 0; layer < 2; ++layer) c.layer_rank_busy_us.push_back(n + 0.5 * layer);
    }
    return c;
  }
  uint64_t calls = 0;
};

std::vector<ServingRequest> requests(size_t n) {
  std::vector<ServingRequest> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id = i;
    out[i].arrival = Time::ms(static_cast<int64_t>(i));
    out[i].input_tokens = 20;
    out[i].output_tokens = 10 + static_cast<uint32_t>(i % 7);
  }
  return out;
}

std::vector<std::unique_ptr<BatchScheduler>> two_ranks() {
  std::vector<std::unique_ptr<BatchScheduler>> out;
  for (int r = 0; r < 2; ++r) {
    out.push_back(std::make_unique<VllmV1Scheduler>(SchedulerLimits{8, 64}, KvBlockPool(200, 16)));
  }
  return out;
}

/// A simulation that hands out its iterations afterwards, as it did before it kept only totals.
template <class Simulation>
concept ListsIterations = requires(const Simulation& s) {
  s.iterations();
};

}  // namespace

TEST_CASE("the serving simulation keeps no per-iteration record", "[serving]") {
  // Records go to observers; what the simulation keeps is its totals (O(layers x ranks)).
  STATIC_REQUIRE_FALSE(ListsIterations<ServingSimulation>);
}

TEST_CASE("every iteration is reported once, in order, and the totals sum the reports",
          "[serving]") {
  VaryingCost cost;
  ServingSimulation sim(requests(40), two_ranks(), cost);
  std::vector<IterationRecord> seen;
  sim.iteration_started.connect([&seen](const IterationRecord& r) { seen.push_back(r); });
  sim.run();
  REQUIRE(seen.size() == cost.calls);
  const IterationTotals& t = sim.totals();
  CHECK(t.iterations() == seen.size());
  uint64_t tokens = 0;
  double attention = 0, moe = 0, busy = 0;
  std::vector<double> rank_busy(2, 0.0), layer_rank_busy(4, 0.0);
  for (size_t i = 0; i < seen.size(); ++i) {
    const IterationRecord& r = seen[i];
    if (i > 0) CHECK(r.start >= seen[i - 1].end);  // one stage: one after another
    tokens += r.tokens;
    attention += r.cost.attention_us;
    moe += r.cost.moe_us;
    busy += r.cost.attention_us + r.cost.dense_us + r.cost.moe_us + r.cost.communication_us +
            r.cost.sampling_us + r.cost.overhead_us;
    for (size_t k = 0; k < 2; ++k) rank_busy[k] += r.cost.rank_busy_us[k];
    for (size_t k = 0; k < 4; ++k) layer_rank_busy[k] += r.cost.layer_rank_busy_us[k];
  }
  CHECK(t.tokens() == tokens);
  CHECK(t.attention_us() == attention);  // the same additions in the same order
  CHECK(t.moe_us() == moe);
  CHECK(t.busy_us() == Approx(busy));
  CHECK(t.rank_busy_us() == rank_busy);
  CHECK(t.layer_rank_busy_us() == layer_rank_busy);
}
