#pragma once
/// The serving simulation: requests arrive, each data-parallel rank's scheduler batches its
/// own, and the engine runs one iteration after another for as long as any rank has work, all
/// ranks in lockstep (an iteration lasts as long as the cost model says the slowest rank
/// needs). Tokens emitted by an iteration become visible at its end.
///
/// With P pipeline stages up to P batches are in flight, one per stage, as vLLM's engine keeps
/// a queue of max_concurrent_batches = pipeline_parallel_size batches (its executors'
/// max_concurrent_batches, synchronous scheduling): a new batch starts as soon as the first
/// stage is free, of the requests that are not in flight, and each batch passes the stages in
/// turn (a stage waits for the batch ahead of it to leave).

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "models/engine/serving/batch_scheduler.h"
#include "models/engine/serving/iteration_record.h"
#include "models/engine/serving/iteration_totals.h"
#include "models/engine/serving/serving_cost_model.h"
#include "models/engine/serving/serving_request.h"
#include "sim/signal.h"
#include "sim/simulator.h"
#include "traces/workload/closed_loop_spec.h"

namespace moesim {

/// The engine's state at one statistics tick, as vLLM's stat logger reports it.
struct ServingSample {
  Time time;
  uint64_t running = 0, waiting = 0;  ///< summed over data-parallel ranks
  double kv_usage = 0;                ///< used / capacity of the fullest rank, in [0, 1]
  double prompt_tokens_per_s = 0;     ///< prompt tokens computed since the previous tick
  double generated_tokens_per_s = 0;  ///< tokens emitted since the previous tick
};

class ServingSimulation {
 public:
  /// One scheduler per data-parallel rank. `requests` need not be sorted; every request must
  /// fit its rank's KV cache on its own (checked: std::invalid_argument naming the request).
  /// With `async_scheduling` the engine decides each iteration's batch one iteration ahead, as
  /// vLLM's async scheduler does (vllm-project/vllm pull request #19970): the batch of
  /// iteration N + 1 is fixed when iteration N starts, so a request that arrives while the
  /// engine is busy waits for the iteration after next.
  /// `pipeline_stages` (>= 1) must match the cost model's stage times.
  /// `closed_loop_concurrency` 0 is an open loop: every request arrives at its `arrival`. C > 0
  /// is a closed loop of C clients (traces/workload/closed_loop_spec.h): the requests are sent
  /// in their given order, the first C at time 0 (or one per first token: set_client_ramp) and
  /// the next each time a request has its last token, and a request's `arrival` becomes the
  /// time it is sent (it leaves the client then, or when a connection frees:
  /// set_connection_limit).
  ServingSimulation(std::vector<ServingRequest> requests,
                    std::vector<std::unique_ptr<BatchScheduler>> schedulers, ServingCostModel& cost,
                    Time tick = Time::s(1), bool async_scheduling = false,
                    uint32_t pipeline_stages = 1, uint32_t closed_loop_concurrency = 0);

  /// Each request reaches the scheduler `front_end.us(its prompt tokens)` microseconds after it
  /// leaves the client (none by default: at once): the serving front end (FrontEndLatency), which
  /// counts in TTFT and latency but not in the engine's iterations (ServingCostModel::front_end).
  /// Call before run(); std::invalid_argument for a negative or non-finite part.
  void set_front_end(FrontEndLatency front_end);

  /// How a closed loop's clients start (ClientRamp); at once by default. With the first-token
  /// ramp, requests sent before the last client has started are a warm-up
  /// (ServingRequest::warmup), not counted in the run's statistics. Call before run().
  void set_client_ramp(ClientRamp ramp);
  /// A closed loop's connection pool (ClosedLoopSpec::connection_limit): at most `limit`
  /// requests between the clients and the server at once, 0 for no limit. Call before run();
  /// std::invalid_argument for a limit on an open loop, whose requests have no clients.
  void set_connection_limit(uint32_t limit);

  /// Runs until every request has finished.
  void run();

  /// Each iteration's record when it starts (its stage and end times are fixed then), in the
  /// order iterations start, which is also the order they end.
  Signal<IterationRecord> iteration_started;

  const std::vector<ServingRequest>& requests() const { return requests_; }
  const std::vector<ServingSample>& samples() const { return samples_; }
  /// Sums over every iteration so far. The simulation keeps no per-iteration record: an
  /// observer that wants them connects to iteration_started.
  const IterationTotals& totals() const { return totals_; }
  uint64_t preemptions() const;
  /// Requests that have their last token.
  size_t finished() const { return finished_; }
  size_t ranks() const { return schedulers_.size(); }
  size_t pipeline_stages() const { return stage_free_.size(); }
  const BatchScheduler& scheduler(size_t rank) const { return *schedulers_.at(rank); }
  Time end_time() const { return end_; }
  /// Events the engine's simulator processed (arrivals, iterations, ticks).
  uint64_t events() const { return sim_.events_processed(); }

 private:
  /// Closed loop: a client sends the next unsent request now.
  void send_next();
  /// Closed loop: the clients that start, C or fewer when there are fewer requests.
  size_t clients_wanted() const {
    return std::min<size_t>(closed_loop_concurrency_, requests_.size());
  }
  /// Closed loop: `request` leaves the client now, or waits for a free connection.
  void connect_or_wait(ServingRequest& request);
  /// Closed loop: a finished request frees its connection for the longest-waiting request.
  void release_connection();
  /// Schedules `request`'s arrival at the scheduler: the time it leaves the client plus its
  /// front-end delay.
  void schedule_arrival(ServingRequest& request, Time leaves_client);
  void arrive(ServingRequest& request);
  void admit(ServingRequest& request);
  void request_start();
  void start_iteration();
  /// Places a batch with `cost` on the stages from now; returns its record.
  IterationRecord place_on_stages(IterationCost cost);
  void finish_iteration(std::vector<ScheduledBatch> batches);
  void tick();

  Simulator sim_;
  std::vector<ServingRequest> requests_;
  std::vector<std::unique_ptr<BatchScheduler>> schedulers_;
  ServingCostModel* cost_;
  Time tick_;
  bool async_scheduling_;
  bool engine_busy_ = false;
  std::vector<Time> stage_free_;  ///< when each pipeline stage is free again
  uint32_t in_flight_ = 0;        ///< batches started and not yet completed
  bool start_pending_ = false;
  Time previous_start_;                        ///< start of the iteration before the next
  std::vector<ServingRequest*> not_yet_seen_;  ///< async: arrived after the last decision
  size_t finished_ = 0;
  uint32_t closed_loop_concurrency_;  ///< clients of a closed loop; 0 for an open loop
  size_t sent_ = 0;                   ///< requests sent so far (a closed loop sends in order)
  uint32_t clients_ = 0;              ///< closed loop: clients that have sent a request
  uint32_t connection_limit_ = 0;     ///< set_connection_limit; 0 for none
  uint32_t connections_busy_ = 0;     ///< closed loop: requests holding a connection
  std::deque<ServingRequest*> waiting_for_connection_;  ///< closed loop, in the order sent
  size_t delivered_ = 0;       ///< requests that have left the client for the front end
  FrontEndLatency front_end_;  ///< set_front_end
  ClientRamp client_ramp_ = ClientRamp::kAtOnce;
  uint64_t prompt_tokens_since_tick_ = 0, generated_since_tick_ = 0;
  std::vector<ServingSample> samples_;
  IterationTotals totals_;
  Time end_;
};

}  // namespace moesim
