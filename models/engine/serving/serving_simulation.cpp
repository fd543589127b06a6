#include "models/engine/serving/serving_simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

ServingSimulation::ServingSimulation(std::vector<ServingRequest> requests,
                                     std::vector<std::unique_ptr<BatchScheduler>> schedulers,
                                     ServingCostModel& cost, Time tick, bool async_scheduling,
                                     uint32_t pipeline_stages, uint32_t closed_loop_concurrency)
    : requests_(std::move(requests)),
      schedulers_(std::move(schedulers)),
      cost_(&cost),
      tick_(tick),
      async_scheduling_(async_scheduling),
      stage_free_(pipeline_stages, Time::zero()),
      closed_loop_concurrency_(closed_loop_concurrency) {
  if (schedulers_.empty()) throw std::invalid_argument("serving needs at least one rank");
  if (pipeline_stages == 0) throw std::invalid_argument("serving needs at least one stage");
  if (tick <= Time::zero()) throw std::invalid_argument("statistics tick must be positive");
  if (closed_loop_concurrency_ == 0) {  // a closed loop sends in the given order
    std::stable_sort(
        requests_.begin(), requests_.end(),
        [](const ServingRequest& a, const ServingRequest& b) { return a.arrival < b.arrival; });
  }
  const KvBlockPool& pool = schedulers_.front()->kv_cache();
  for (const ServingRequest& r : requests_) {
    if (r.input_tokens == 0 || r.output_tokens == 0) {
      throw std::invalid_argument(
          fmt::format("request {} needs at least one input and one output token", r.id));
    }
    const uint64_t blocks = pool.blocks_for(uint64_t{r.input_tokens} + r.output_tokens);
    if (blocks > pool.capacity()) {
      throw std::invalid_argument(
          fmt::format("request {} needs {} KV blocks ({} + {} tokens) but a rank's cache holds {}",
                      r.id, blocks, r.input_tokens, r.output_tokens, pool.capacity()));
    }
  }
}

uint64_t ServingSimulation::preemptions() const {
  uint64_t n = 0;
  for (const auto& s : schedulers_) n += s->preemptions();
  return n;
}

void ServingSimulation::set_front_end(FrontEndLatency front_end) {
  for (const double us :
       {front_end.request_us, front_end.per_prompt_token_us, front_end.per_in_flight_us}) {
    if (!(us >= 0) || !std::isfinite(us)) {
      throw std::invalid_argument(fmt::format("front-end latency {} us must be >= 0", us));
    }
  }
  front_end_ = front_end;
}

void ServingSimulation::set_client_ramp(ClientRamp ramp) {
  client_ramp_ = ramp;
}

void ServingSimulation::set_connection_limit(uint32_t limit) {
  if (limit != 0 && closed_loop_concurrency_ == 0) {
    throw std::invalid_argument("a connection limit needs a closed loop's clients");
  }
  connection_limit_ = limit;
}

void ServingSimulation::schedule_arrival(ServingRequest& request, Time leaves_client) {
  // The requests past the client and not finished, before this one: a request still waiting
  // for a connection does not load the server's front end.
  const uint64_t others_in_flight = delivered_ - finished_;
  ++delivered_;
  const double front_end_us = front_end_.us(request.input_tokens, others_in_flight);
  request.queued = leaves_client + Time::from_seconds_ceil(front_end_us * 1e-6);
  sim_.schedule_at(request.queued, Phase::kArrival, [this, &request] { arrive(request); });
}

void ServingSimulation::run() {
  if (closed_loop_concurrency_ == 0 && front_end_.per_in_flight_us == 0) {
    for (ServingRequest& r : requests_) schedule_arrival(r, r.arrival);
  } else if (closed_loop_concurrency_ == 0) {
    // The in-flight part needs the requests in flight when each is sent: send at its arrival.
    for (ServingRequest& r : requests_) {
      sim_.schedule_at(r.arrival, Phase::kArrival, [this, &r] { schedule_arrival(r, r.arrival); });
    }
  } else {
    clients_ = static_cast<uint32_t>(client_ramp_ == ClientRamp::kAtOnce
                                         ? clients_wanted()
                                         : std::min<size_t>(1, clients_wanted()));
    while (sent_ < clients_) send_next();
  }
  if (!requests_.empty()) sim_.schedule_at(tick_, Phase::kDefault, [this] { tick(); });
  sim_.run();
  end_ = sim_.now();
  if (finished_ != requests_.size()) {
    throw std::logic_error(fmt::format("serving stopped with {} of {} requests unfinished",
                                       requests_.size() - finished_, requests_.size()));
  }
}

void ServingSimulation::send_next() {
  // Sent from within the completion that freed the client, the request lands as an arrival
  // event at the same instant, after that completion has decided the next batch: the request
  // joins the batch decided after it, as in vLLM, whose engine schedules its next step while
  // the last token travels to the client and the client's next request travels back.
  ServingRequest& r = requests_[sent_++];
  r.arrival = sim_.now();
  r.warmup = clients_ < clients_wanted();  // sent while a ramp's clients are still joining
  connect_or_wait(r);
}

void ServingSimulation::connect_or_wait(ServingRequest& request) {
  if (connection_limit_ != 0 && connections_busy_ == connection_limit_) {
    waiting_for_connection_.push_back(&request);
    return;
  }
  ++connections_busy_;
  schedule_arrival(request, sim_.now());
}

void ServingSimulation::release_connection() {
  --connections_busy_;
  if (waiting_for_connection_.empty()) return;
  ServingRequest* next = waiting_for_connection_.front();
  waiting_for_connection_.pop_front();
  ++connections_busy_;
  schedule_arrival(*next, sim_.now());
}

void ServingSimulation::arrive(ServingRequest& request) {
  if (async_scheduling_ && engine_busy_) {
    not_yet_seen_.push_back(&request);
    return;
  }
  admit(request);
  if (!engine_busy_) {
    engine_busy_ = true;
    request_start();
  } else if (in_flight_ < stage_free_.size()) {
    request_start();  // a pipeline slot is open: the first stage may take a batch now
  }
}

void ServingSimulation::request_start() {
  if (start_pending_) return;
  start_pending_ = true;
  sim_.schedule_in(Time::zero(), Phase::kDefault, [this] { start_iteration(); });
}

void ServingSimulation::admit(ServingRequest& request) {
  // The least-loaded rank (fewest running plus waiting requests; the lowest index on a tie),
  // as vLLM's data-parallel front end balances by queue lengths.
  size_t best = 0;
  for (size_t r = 1; r < schedulers_.size(); ++r) {
    const auto load = [&](size_t i) {
      return schedulers_[i]->running() + schedulers_[i]->waiting();
    };
    if (load(r) < load(best)) best = r;
  }
  request.dp_rank = static_cast<uint32_t>(best);
  schedulers_[best]->add(request);
}

void ServingSimulation::start_iteration() {
  start_pending_ = false;
  // Every stage holds a batch, or the first is busy: a completion or the first stage's
  // release calls again.
  if (in_flight_ == stage_free_.size() || stage_free_.front() > sim_.now()) return;
  // Async: this batch was decided when the previous iteration started, so only requests that
  // had arrived by then are in it; the others are seen from the next decision on.
  std::erase_if(not_yet_seen_, [this](ServingRequest* r) {
    if (r->queued > previous_start_) return false;
    admit(*r);
    return true;
  });
  previous_start_ = sim_.now();
  std::vector<ScheduledBatch> batches;
  bool any = false;
  for (auto& s : schedulers_) {
    batches.push_back(s->schedule());
    any = any || !batches.back().empty();
  }
  if (!any) {
    if (in_flight_ > 0) return;    // waiting on batches in the pipeline; their completion calls
    if (!not_yet_seen_.empty()) {  // nothing decided ahead: the next decision sees them
      previous_start_ = sim_.now();
      request_start();
      return;
    }
    engine_busy_ = false;
    return;
  }
  uint64_t tokens = 0;
  for (const ScheduledBatch& b : batches) {
    tokens += b.tokens();
    for (const BatchItem& item : b.items) {
      ServingRequest& r = *item.request;
      r.in_flight = true;
      if (r.first_scheduled == Time::max()) r.first_scheduled = sim_.now();
      if (item.prefill) prompt_tokens_since_tick_ += item.new_tokens;
    }
  }
  IterationRecord record = place_on_stages(cost_->iteration(batches));
  record.tokens = tokens;
  totals_.add(record);
  iteration_started.emit(record);  // then dropped: the run keeps only the totals
  ++in_flight_;
  if (stage_free_.size() > 1) {
    sim_.schedule_at(record.stages.front().second, Phase::kCompletion,
                     [this] { start_iteration(); });
  }
  sim_.schedule_at(record.end, Phase::kCompletion, [this, batches = std::move(batches)]() mutable {
    finish_iteration(std::move(batches));
  });
}

IterationRecord ServingSimulation::place_on_stages(IterationCost cost) {
  IterationRecord record;
  record.start = sim_.now();
  if (stage_free_.size() == 1) {
    record.end = record.start + cost.duration;
    record.stages.emplace_back(record.start, record.end);
    stage_free_.front() = record.end;
  } else {
    if (cost.stage_us.size() != stage_free_.size()) {
      throw std::logic_error(
          fmt::format("the cost model timed {} pipeline stages, the engine has {}",
                      cost.stage_us.size(), stage_free_.size()));
    }
    Time ready = record.start;
    for (size_t s = 0; s < stage_free_.size(); ++s) {
      const Time begin = std::max(ready, stage_free_[s]);
      ready = begin + Time::from_seconds_ceil(cost.stage_us[s] * 1e-6);
      stage_free_[s] = ready;
      record.stages.emplace_back(begin, ready);
    }
    record.end = ready;
  }
  record.cost = std::move(cost);
  return record;
}

void ServingSimulation::finish_iteration(std::vector<ScheduledBatch> batches) {
  --in_flight_;
  for (const ScheduledBatch& b : batches) {
    for (const BatchItem& item : b.items) item.request->in_flight = false;
  }
  // Every rank's finishes count before any client sends: a request sent now sees in flight
  // only what is still running on any rank.
  std::vector<size_t> done(batches.size());
  for (size_t r = 0; r < batches.size(); ++r) {
    for (const BatchItem& item : batches[r].items) {
      const ServingRequest& req = *item.request;
      if (req.computed + item.new_tokens == req.tokens_needed()) ++generated_since_tick_;
    }
    done[r] = schedulers_[r]->complete(batches[r], sim_.now()).size();
    finished_ += done[r];
  }
  for (size_t r = 0; r < batches.size() && closed_loop_concurrency_ != 0; ++r) {
    // A ramp: one more client per first token, until all have joined (then nothing to scan).
    for (size_t i = 0; i < batches[r].items.size() && clients_ < clients_wanted(); ++i) {
      const ServingRequest& req = *batches[r].items[i].request;
      if (sent_ < requests_.size() && req.token_times.size() == 1 &&
          req.token_times.front() == sim_.now()) {
        ++clients_;
        send_next();
      }
    }
    // A finished request's connection goes to the longest-waiting request first; its client's
    // next request then queues behind the others (aiohttp hands a freed connection to its
    // waiters in order).
    for (size_t i = 0; i < done[r]; ++i) {
      release_connection();
      if (sent_ < requests_.size()) send_next();
    }
  }
  start_iteration();
}

void ServingSimulation::tick() {
  ServingSample s;
  s.time = sim_.now();
  for (const auto& sched : schedulers_) {
    s.running += sched->running();
    s.waiting += sched->waiting();
    const KvBlockPool& pool = sched->kv_cache();
    s.kv_usage = std::max(s.kv_usage, double(pool.used()) / double(pool.capacity()));
  }
  const double seconds = tick_.seconds();
  s.prompt_tokens_per_s = double(prompt_tokens_since_tick_) / seconds;
  s.generated_tokens_per_s = double(generated_since_tick_) / seconds;
  prompt_tokens_since_tick_ = generated_since_tick_ = 0;
  samples_.push_back(s);
  if (finished_ < requests_.size()) sim_.schedule_in(tick_, Phase::kDefault, [this] { tick(); });
}

}  // namespace moesim
