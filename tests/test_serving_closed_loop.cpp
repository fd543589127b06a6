// Closed-loop workloads (vllm bench serve --max-concurrency C, genai-perf's concurrency mode):
// the serving loop with C clients on a cost model of fixed iteration times, then the scenario
// syntax, its errors and its determinism through the CLI.

#include <algorithm>
#include <memory>
#include <sstream>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/engine/serving/serving_metrics.h"
#include "models/engine/serving/serving_simulation.h"
#include "models/engine/serving/static_batch_scheduler.h"
#include "models/engine/serving/vllm_v1_scheduler.h"
#include "sim/rng.h"
#include "support/scenario_files.h"
#include "support/time_printer.h"
#include "traces/workload/workload_generator.h"

using namespace moesim;
using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

/// 1 ms per iteration plus 1 us per scheduled token, split evenly over `stages` pipeline
/// stages when there are several.
class FixedCost final : public ServingCostModel {
 public:
  explicit FixedCost(uint32_t stages = 1) : stages_(stages) {}
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    uint64_t tokens = 0;
    for (const ScheduledBatch& b : batches) tokens += b.tokens();
    IterationCost c;
    c.duration = Time::ms(1) + Time::us(static_cast<int64_t>(tokens));
    c.rank_busy_us.assign(batches.size(), 0.0);
    if (stages_ > 1) c.stage_us.assign(stages_, c.duration.microseconds() / stages_);
    return c;
  }

 private:
  uint32_t stages_;
};

template <class Scheduler>
std::vector<std::unique_ptr<BatchScheduler>> schedulers(size_t ranks, SchedulerLimits limits,
                                                        uint64_t blocks) {
  std::vector<std::unique_ptr<BatchScheduler>> out;
  for (size_t r = 0; r < ranks; ++r) {
    out.push_back(std::make_unique<Scheduler>(limits, KvBlockPool(blocks, 16)));
  }
  return out;
}

/// Requests 0 .. n-1 with random lengths and no arrival time: a closed loop sets it.
std::vector<ServingRequest> unsent_requests(size_t n, uint64_t seed) {
  RngStream rng(seed);
  std::vector<ServingRequest> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id = i;
    out[i].input_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(300));
    out[i].output_tokens = 1 + static_cast<uint32_t>(rng.uniform_int(40));
  }
  return out;
}

/// Checks a finished closed loop of `clients` clients: every request done, the first clients
/// sent at 0, each later one sent exactly when an earlier one had its last token (the k-th
/// sent at the (k - clients)-th completion), and never more than `clients` in flight.
void check_closed_loop(const ServingSimulation& sim, size_t clients) {
  const std::vector<ServingRequest>& requests = sim.requests();
  const size_t n = requests.size();
  std::vector<Time> completions;
  for (size_t i = 0; i < n; ++i) {
    REQUIRE(requests[i].finished());
    CHECK(requests[i].id == i);  // sent in the given order
    completions.push_back(requests[i].token_times.back());
  }
  std::sort(completions.begin(), completions.end());
  for (size_t k = 0; k < n; ++k) {
    CAPTURE(k);
    CHECK(requests[k].arrival == (k < clients ? Time::zero() : completions[k - clients]));
  }
  // In flight over [arrival, last token): at an instant, completions leave before sends enter.
  std::vector<std::pair<Time, int>> edges;
  for (const ServingRequest& r : requests) {
    edges.emplace_back(r.arrival, +1);
    edges.emplace_back(r.token_times.back(), -1);
  }
  std::sort(edges.begin(), edges.end());
  int in_flight = 0, most = 0;
  for (const auto& [time, step] : edges) {
    in_flight += step;
    most = std::max(most, in_flight);
  }
  CHECK(in_flight == 0);
  CHECK(most == static_cast<int>(std::min(clients, n)));
}

}  // namespace

TEST_CASE("a closed loop sends the next request when one completes, by hand", "[closed_loop]") {
  // Two clients, three requests, iterations of 1 ms + 1 us per token on one rank.
  std::vector<ServingRequest> requests(3);
  const uint32_t lengths[3][2] = {{10, 2}, {10, 3}, {5, 1}};
  for (size_t i = 0; i < 3; ++i) {
    requests[i].id = i;
    requests[i].input_tokens = lengths[i][0];
    requests[i].output_tokens = lengths[i][1];
  }
  FixedCost cost;
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {8, 64}, 100), cost, Time::s(1),
                        false, 1, 2);
  sim.run();
  // [0, 1.020 ms): both prompts (20 tokens), a first token each. [1.020, 2.022): two decodes;
  // request 0 has its 2 tokens, its client sends request 2 at 2.022, after the next batch was
  // decided: [2.022, 3.023) decodes request 1 alone, its last token. [3.023, 4.028): request
  // 2's prompt of 5 tokens and its only token.
  const auto& r = sim.requests();
  CHECK(r[0].arrival == Time::zero());
  CHECK(r[1].arrival == Time::zero());
  CHECK(r[0].token_times == std::vector<Time>{Time::us(1020), Time::us(2022)});
  CHECK(r[1].token_times == std::vector<Time>{Time::us(1020), Time::us(2022), Time::us(3023)});
  CHECK(r[2].arrival == Time::us(2022));
  CHECK(r[2].token_times == std::vector<Time>{Time::us(4028)});
  // TTFT from the send time; TPOT (E2E - TTFT) / (output tokens - 1), as vllm bench serve.
  const std::vector<RequestMetrics> m = request_metrics(r);
  CHECK(m[2].ttft_s == Approx(2.006e-3));
  CHECK(m[1].tpot_s == Approx(1.0015e-3));
  CHECK(m[1].tpot_s == Approx((m[1].latency_s - m[1].ttft_s) / 2));
  CHECK_FALSE(m[2].has_tpot);
}

TEST_CASE("a closed loop keeps at most C requests in flight and sends each at a completion",
          "[closed_loop]") {
  const auto requests = unsent_requests(60, 11);
  for (const size_t clients : {1, 3, 8, 25}) {
    for (const bool continuous : {true, false}) {
      for (const bool async : {false, true}) {
        CAPTURE(clients, continuous, async);
        FixedCost cost;
        // 60 blocks of 16 tokens per rank: a few long requests at once, so vLLM V1 preempts.
        auto s = continuous ? schedulers<VllmV1Scheduler>(2, {16, 256}, 60)
                            : schedulers<StaticBatchScheduler>(2, {16, 256}, 60);
        ServingSimulation sim(requests, std::move(s), cost, Time::ms(100), async, 1,
                              static_cast<uint32_t>(clients));
        sim.run();
        REQUIRE(sim.finished() == requests.size());
        check_closed_loop(sim, clients);
      }
    }
  }
}

TEST_CASE("a closed loop keeps its rules with pipeline stages", "[closed_loop]") {
  const auto requests = unsent_requests(40, 12);
  FixedCost cost(2);
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {16, 256}, 200), cost,
                        Time::ms(100), false, 2, 6);
  sim.run();
  REQUIRE(sim.finished() == requests.size());
  CHECK(sim.pipeline_stages() == 2);
  check_closed_loop(sim, 6);
}

TEST_CASE("a first-token ramp starts one client per first token, then keeps C in flight",
          "[closed_loop]") {
  const auto requests = unsent_requests(40, 14);
  FixedCost cost;
  ServingSimulation sim(requests, schedulers<VllmV1Scheduler>(1, {16, 256}, 400), cost,
                        Time::ms(100), false, 1, 5);
  sim.set_client_ramp(ClientRamp::kFirstToken);
  sim.run();
  const auto& r = sim.requests();
  // One request at 0, the second at its first token; every send is at a first or a last token
  // (a new client, or a client whose request finished).
  CHECK(r[0].arrival == Time::zero());
  CHECK(r[1].arrival == r[0].token_times.front());
  for (size_t k = 1; k < r.size(); ++k) {
    CAPTURE(k);
    CHECK(std::any_of(
        r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k), [&](const ServingRequest& q) {
          return q.token_times.front() == r[k].arrival || q.token_times.back() == r[k].arrival;
        }));
  }

  // Then a request at each completion: never more than 5 in flight, 5 at the busiest.
  std::vector<std::pair<Time, int>> edges;
  for (const ServingRequest& q : r) {
    REQUIRE(q.finished());
    edges.emplace_back(q.arrival, +1);
    edges.emplace_back(q.token_times.back(), -1);
  }
  std::sort(edges.begin(), edges.end());
  int in_flight = 0, most = 0;
  for (const auto& [time, step] : edges) most = std::max(most, in_flight += step);
  CHECK(most == 5);
  // The requests sent while clients joined are a warm-up, the rest are counted; the warm-up
  // ones are sent first.
  const auto warm = std::count_if(r.begin(), r.end(), [](const auto& q) { return q.warmup; });
  CHECK(warm >= 4);
  CHECK(std::is_sorted(r.begin(), r.end(),
                       [](const auto& a, const auto& b) { return a.warmup > b.warmup; }));
  CHECK(request_metrics(r).size() == r.size() - static_cast<size_t>(warm));
}

TEST_CASE("a front-end latency delays the scheduler and counts in TTFT, by hand", "[closed_loop]") {
  // One request of 10 prompt tokens and 2 outputs, 3 ms + 100 us per prompt token = 4 ms in the
  // front end: it reaches the scheduler at 4 ms, its prompt runs [4, 5.010) ms and its decode
  // [5.010, 6.011) ms.
  std::vector<ServingRequest> one(1);
  one[0].input_tokens = 10;
  one[0].output_tokens = 2;
  FixedCost cost;
  ServingSimulation sim(one, schedulers<VllmV1Scheduler>(1, {8, 64}, 100), cost);
  sim.set_front_end({3000, 100});
  sim.run();
  const ServingRequest& r = sim.requests().front();
  CHECK(r.arrival == Time::zero());
  CHECK(r.queued == Time::ms(4));
  CHECK(r.token_times == std::vector<Time>{Time::us(5010), Time::us(6011)});
  CHECK(request_metrics(sim.requests()).front().ttft_s == Approx(5.010e-3));
  CHECK_THROWS_AS(sim.set_front_end({-1, 0}), std::invalid_argument);
  CHECK_THROWS_AS(sim.set_front_end({0, -1}), std::invalid_argument);
}

TEST_CASE("more clients than requests send every request at 0", "[closed_loop]") {
  FixedCost cost;
  ServingSimulation sim(unsent_requests(4, 13), schedulers<VllmV1Scheduler>(1, {16, 256}, 200),
                        cost, Time::ms(100), false, 1, 10);
  sim.run();
  check_closed_loop(sim, 10);
  for (const ServingRequest& r : sim.requests()) CHECK(r.arrival == Time::zero());
}

namespace {

/// tests/scenarios/serving_tp_roofline.yaml (Mixtral-8x7B on an HGX H100, roofline) with its
/// request file replaced by `closed_loop`, written to `dir`.
std::filesystem::path closed_loop_scenario(const TempDir& dir, const std::string& closed_loop) {
  const std::string text = read_text(source_path("tests/scenarios/serving_tp_roofline.yaml"));
  const auto path = dir.path() / "closed.yaml";
  write_text(path, replace_once(text, "  requests: serving_small.requests.csv\n",
                                "  closed_loop: " + closed_loop + "\n"));
  return path;
}

/// The rows of requests.csv as (input_tokens, output_tokens, arrival_s), in file order.
std::vector<std::tuple<uint32_t, uint32_t, double>> request_rows(const std::string& csv) {
  std::vector<std::tuple<uint32_t, uint32_t, double>> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // request_id,dp_rank,arrival_s,input_tokens,output_tokens,...
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, rank, arrival, input, output;
    std::getline(fields, id, ',');
    std::getline(fields, rank, ',');
    std::getline(fields, arrival, ',');
    std::getline(fields, input, ',');
    std::getline(fields, output, ',');
    rows.emplace_back(std::stoul(input), std::stoul(output), std::stod(arrival));
  }
  return rows;
}

}  // namespace

TEST_CASE("a closed-loop scenario draws its lengths from the seed and runs deterministically",
          "[closed_loop][cli]") {
  TempDir dir("closed-loop");
  const auto scenario = closed_loop_scenario(
      dir,
      "{concurrency: 4, requests: 12, input_tokens: {uniform: [100, 300]}, output_tokens: "
      "{lognormal: {mean: 20, std: 8}}}");
  const auto a = run_cli({"run", scenario.string(), "--out", (dir.path() / "a").string()});
  REQUIRE(a.exit_code == 0);
  CHECK_THAT(a.out, Contains("closed loop: 4 clients"));
  const auto b = run_cli({"run", scenario.string(), "--out", (dir.path() / "b").string()});
  REQUIRE(b.exit_code == 0);
  const std::string csv = read_text(dir.path() / "a" / "requests.csv");
  CHECK(read_text(dir.path() / "b" / "requests.csv") == csv);
  CHECK(read_text(dir.path() / "b" / "summary.txt") == read_text(dir.path() / "a" / "summary.txt"));

  // The lengths are those `moesim workload generate --seed 4` draws for the same specs.
  LengthSpec input, output;
  input.kind = LengthKind::uniform;
  input.low = 100;
  input.high = 300;
  output.kind = LengthKind::lognormal;
  output.mean = 20;
  output.stddev = 8;
  RngStreams streams(4);  // the scenario's seed
  const auto drawn = generate_lengths(12, input, output, streams);
  const auto rows = request_rows(csv);
  REQUIRE(rows.size() == 12);
  size_t at_zero = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(std::get<0>(rows[i]) == drawn[i].input_tokens);
    CHECK(std::get<1>(rows[i]) == drawn[i].output_tokens);
    if (std::get<2>(rows[i]) == 0.0) ++at_zero;
  }
  CHECK(at_zero == 4);

  // resolved.yaml keeps the closed loop and reproduces the run.
  const auto c = run_cli({"run", (dir.path() / "a" / "resolved.yaml").string(), "--out",
                          (dir.path() / "c").string(), "--quiet"});
  REQUIRE(c.exit_code == 0);
  CHECK(read_text(dir.path() / "c" / "requests.csv") == csv);
}

TEST_CASE("a closed-loop scenario's first-token ramp sends one request at 0",
          "[closed_loop][cli]") {
  TempDir dir("closed-loop-ramp");
  const auto scenario = closed_loop_scenario(
      dir,
      "{concurrency: 4, requests: 12, input_tokens: 200, output_tokens: 8, ramp: first_token}");
  const auto a = run_cli({"run", scenario.string(), "--out", (dir.path() / "a").string()});
  REQUIRE(a.exit_code == 0);
  // The requests sent before the fourth client started are a warm-up, left out of requests.csv
  // (the first, sent at 0, among them) and counted on the closed-loop line.
  const std::string csv = read_text(dir.path() / "a" / "requests.csv");
  const auto rows = request_rows(csv);
  REQUIRE(rows.size() >= 1);
  REQUIRE(rows.size() < 12);
  CHECK(std::none_of(rows.begin(), rows.end(),
                     [](const auto& row) { return std::get<2>(row) == 0.0; }));
  CHECK_THAT(a.out, Contains(fmt::format("the {} requests sent before the last started not "
                                         "counted (warm-up)",
                                         12 - rows.size())));
  // resolved.yaml keeps the ramp and reproduces the run.
  const auto b = run_cli({"run", (dir.path() / "a" / "resolved.yaml").string(), "--out",
                          (dir.path() / "b").string(), "--quiet"});
  REQUIRE(b.exit_code == 0);
  CHECK_THAT(read_text(dir.path() / "a" / "resolved.yaml"), Contains("ramp: first_token"));
  CHECK(read_text(dir.path() / "b" / "requests.csv") == csv);
}

TEST_CASE("closed-loop configuration errors exit 2 naming the key", "[closed_loop][cli]") {
  TempDir dir("closed-loop-bad");
  const auto fails_with = [&](const std::string& closed_loop, const std::string& message) {
    CAPTURE(closed_loop);
    const auto path = closed_loop_scenario(dir, closed_loop);
    const auto r = run_cli({"run", path.string(), "--out", (dir.path() / "o").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
  };
  const std::string lengths = "input_tokens: 100, output_tokens: 10";
  fails_with("{concurrency: 0, requests: 4, " + lengths + "}",
             "workload.closed_loop.concurrency: must be between 1 and");
  fails_with("{concurrency: 2, requests: 0, " + lengths + "}",
             "workload.closed_loop.requests: must be between 1 and");
  fails_with("{concurency: 2, requests: 4, " + lengths + "}",
             "workload.closed_loop.concurency: unknown key (did you mean 'concurrency'?)");
  fails_with("{requests: 4, " + lengths + "}",
             "workload.closed_loop: missing required key 'concurrency'");
  fails_with("{concurrency: 2, requests: 4, input_tokens: 0, output_tokens: 10}",
             "workload.closed_loop.input_tokens: expected a length");
  fails_with(
      "{concurrency: 2, requests: 4, input_tokens: {uniform: [300, 100]}, "
      "output_tokens: 10}",
      "workload.closed_loop.input_tokens.uniform: expected [LOW, HIGH]");
  fails_with("{concurrency: 2, requests: 4, input_tokens: 100, output_tokens: {normal: 3}}",
             "workload.closed_loop.output_tokens.normal: unknown key");
  fails_with("{concurrency: 2, requests: 4, " + lengths + ", ramp: sideways}",
             "workload.closed_loop.ramp: expected at_once or first_token, got \"sideways\"");
  // A request longer than a rank's KV cache names the closed loop.
  fails_with("{concurrency: 2, requests: 4, input_tokens: 4000000, output_tokens: 10}",
             "workload.closed_loop: request 0 needs");

  // Both a request file and a closed loop, or neither.
  const std::string text = read_text(source_path("tests/scenarios/serving_tp_roofline.yaml"));
  const auto both = dir.path() / "both.yaml";
  write_text(both, replace_once(text, "  requests: serving_small.requests.csv\n",
                                "  requests: serving_small.requests.csv\n  closed_loop: {" +
                                    lengths + "}\n"));
  const auto r = run_cli({"run", both.string(), "--out", (dir.path() / "o").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("workload.closed_loop: give either a request file (requests) or "
                             "closed_loop, not both"));
  const auto neither = dir.path() / "neither.yaml";
  write_text(neither, replace_once(text, "  requests: serving_small.requests.csv\n", "  {}\n"));
  const auto n = run_cli({"run", neither.string(), "--out", (dir.path() / "o").string()});
  CHECK(n.exit_code == 2);
  CHECK_THAT(n.err, Contains("needs requests (a request file) or closed_loop"));
}
