#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/event_queue.h"
#include "sim/simulator.h"

using moesim::EventId;
using moesim::EventQueue;
using moesim::Phase;
using moesim::Simulator;
using moesim::Time;

namespace {

/// Pops every event, runs it, and returns the times in pop order.
std::vector<Time> drain(EventQueue& queue) {
  std::vector<Time> times;
  while (!queue.empty()) {
    auto [time, fn] = queue.pop();
    times.push_back(time);
    if (fn) fn();
  }
  return times;
}

}  // namespace

TEST_CASE("Phase values are ordered and named", "[event_queue]") {
  // the enum order is the run order within one instant
  CHECK(Phase::kArrival < Phase::kCompletion);
  CHECK(Phase::kCompletion < Phase::kDefault);
  CHECK(Phase::kDefault < Phase::kNetworkUpdate);
  CHECK(Phase::kNetworkUpdate < Phase::kObserve);
  // names as used in logs
  CHECK(std::string(moesim::to_string(Phase::kArrival)) == "arrival");
  CHECK(std::string(moesim::to_string(Phase::kNetworkUpdate)) == "network-update");
  CHECK(std::string(moesim::to_string(Phase::kObserve)) == "observe");
}

TEST_CASE("EventQueue pops in time order", "[event_queue]") {
  EventQueue queue;
  for (int64_t ns : {50, 10, 40, 20, 30, 0}) queue.push(Time::ns(ns), Phase::kDefault, {});
  // six events pushed out of order come out sorted: 0, 10, 20, 30, 40, 50 ns
  CHECK(drain(queue) == std::vector<Time>{Time::ns(0), Time::ns(10), Time::ns(20), Time::ns(30),
                                          Time::ns(40), Time::ns(50)});
}

TEST_CASE("EventQueue orders tied events by phase, then by scheduling order", "[event_queue]") {
  EventQueue queue;
  std::vector<std::string> order;
  const auto record = [&order](std::string name) {
    return [&order, name = std::move(name)] { order.push_back(name); };
  };
  const Time t = Time::us(5);
  // all at 5 us, pushed in a scrambled phase order; the number is the push order within a phase
  queue.push(t, Phase::kObserve, record("observe-1"));
  queue.push(t, Phase::kDefault, record("default-1"));
  queue.push(t, Phase::kNetworkUpdate, record("network-1"));
  queue.push(t, Phase::kArrival, record("arrival-1"));
  queue.push(t, Phase::kDefault, record("default-2"));
  queue.push(t, Phase::kCompletion, record("completion-1"));
  queue.push(t, Phase::kObserve, record("observe-2"));
  queue.push(t, Phase::kArrival, record("arrival-2"));
  queue.push(t, Phase::kCompletion, record("completion-2"));
  queue.push(t, Phase::kDefault, record("default-3"));
  queue.push(t, Phase::kNetworkUpdate, record("network-2"));
  queue.push(t, Phase::kArrival, record("arrival-3"));
  // an earlier event in the last phase still runs before all of them
  queue.push(Time::us(4), Phase::kObserve, record("earlier-observe"));

  drain(queue);
  // 4 us first; then at 5 us arrival < completion < default < network-update < observe,
  // and within a phase the push order
  CHECK(order == std::vector<std::string>{"earlier-observe", "arrival-1", "arrival-2", "arrival-3",
                                          "completion-1", "completion-2", "default-1", "default-2",
                                          "default-3", "network-1", "network-2", "observe-1",
                                          "observe-2"});
}

TEST_CASE("EventQueue keeps FIFO order among many tied events", "[event_queue]") {
  EventQueue queue;
  std::vector<int> order;
  // 200 events at the same time and phase: the heap must not reorder them
  for (int i = 0; i < 200; ++i) {
    queue.push(Time::ns(1), Phase::kDefault, [&order, i] { order.push_back(i); });
  }
  drain(queue);
  std::vector<int> expected(200);
  for (int i = 0; i < 200; ++i) expected[i] = i;
  // they run 0, 1, ..., 199
  CHECK(order == expected);
}

TEST_CASE("EventQueue size, empty, next_time and pop on empty", "[event_queue]") {
  EventQueue queue;
  // a new queue is empty and its next time is Time::max()
  CHECK(queue.empty());
  CHECK(queue.size() == 0);
  CHECK(queue.next_time() == Time::max());
  // pop on an empty queue is a logic error
  CHECK_THROWS_AS(queue.pop(), std::logic_error);

  queue.push(Time::ns(30), Phase::kDefault, {});
  queue.push(Time::ns(20), Phase::kObserve, {});
  // two pending events, the earliest at 20 ns
  CHECK(queue.size() == 2);
  CHECK_FALSE(queue.empty());
  CHECK(queue.next_time() == Time::ns(20));

  // pop returns the 20 ns event and leaves one pending at 30 ns
  CHECK(queue.pop().first == Time::ns(20));
  CHECK(queue.size() == 1);
  CHECK(queue.next_time() == Time::ns(30));

  queue.pop();
  // drained: empty again, and pop throws again
  CHECK(queue.empty());
  CHECK_THROWS_AS(queue.pop(), std::logic_error);
}

TEST_CASE("EventQueue cancel removes a pending event", "[event_queue]") {
  EventQueue queue;
  std::vector<int> ran;
  queue.push(Time::ns(1), Phase::kDefault, [&ran] { ran.push_back(1); });
  const EventId second = queue.push(Time::ns(2), Phase::kDefault, [&ran] { ran.push_back(2); });
  queue.push(Time::ns(3), Phase::kDefault, [&ran] { ran.push_back(3); });

  // cancelling a pending event succeeds and the size drops from 3 to 2
  CHECK(queue.cancel(second));
  CHECK(queue.size() == 2);
  // a second cancel of the same event does nothing
  CHECK_FALSE(queue.cancel(second));
  CHECK(queue.size() == 2);

  drain(queue);
  // only the events at 1 ns and 3 ns ran
  CHECK(ran == std::vector<int>{1, 3});
}

TEST_CASE("EventQueue cancel of the earliest event moves next_time", "[event_queue]") {
  EventQueue queue;
  const EventId first = queue.push(Time::ns(1), Phase::kDefault, {});
  queue.push(Time::ns(9), Phase::kDefault, {});
  queue.cancel(first);
  // with the 1 ns event cancelled, the next event is at 9 ns
  CHECK(queue.next_time() == Time::ns(9));
  // and pop skips the cancelled one
  CHECK(queue.pop().first == Time::ns(9));
  CHECK(queue.empty());
}

TEST_CASE("EventQueue cancel of a run event or an invalid handle is harmless", "[event_queue]") {
  EventQueue queue;
  const EventId done = queue.push(Time::ns(1), Phase::kDefault, {});
  queue.push(Time::ns(2), Phase::kDefault, {});
  queue.pop();
  // the 1 ns event already ran: cancel reports false and the 2 ns event stays
  CHECK_FALSE(queue.cancel(done));
  CHECK(queue.size() == 1);
  // a default EventId is invalid and names nothing
  CHECK_FALSE(EventId{}.valid());
  CHECK_FALSE(queue.cancel(EventId{}));
  // a slot number beyond any allocated slot names nothing
  CHECK_FALSE(queue.cancel(EventId{1000, 0}));
  CHECK(queue.size() == 1);
}

TEST_CASE("EventQueue stale handle does not cancel the event that reuses its slot",
          "[event_queue]") {
  EventQueue queue;
  bool new_event_ran = false;
  const EventId old_id = queue.push(Time::ns(1), Phase::kDefault, {});
  queue.pop();
  // the freed slot is recycled for the next push, with a new sequence number
  const EventId new_id =
      queue.push(Time::ns(2), Phase::kDefault, [&new_event_ran] { new_event_ran = true; });
  CHECK(new_id.slot == old_id.slot);
  CHECK(new_id.seq != old_id.seq);
  // the old handle must not cancel the new event
  CHECK_FALSE(queue.cancel(old_id));
  CHECK(queue.size() == 1);
  drain(queue);
  // so the new event still runs
  CHECK(new_event_ran);
}

TEST_CASE("EventQueue stale handle after a cancelled slot is recycled", "[event_queue]") {
  EventQueue queue;
  bool replacement_ran = false;
  const EventId cancelled = queue.push(Time::ns(1), Phase::kDefault, {});
  queue.cancel(cancelled);
  // next_time drops the cancelled top and frees its slot: the queue is empty
  CHECK(queue.next_time() == Time::max());
  const EventId replacement =
      queue.push(Time::ns(5), Phase::kDefault, [&replacement_ran] { replacement_ran = true; });
  // the replacement took the freed slot; cancelling the old handle again must not touch it
  CHECK(replacement.slot == cancelled.slot);
  CHECK_FALSE(queue.cancel(cancelled));
  drain(queue);
  // so the replacement at 5 ns still runs
  CHECK(replacement_ran);
}

TEST_CASE("Simulator rejects scheduling in the past", "[event_queue]") {
  Simulator sim;
  sim.schedule_at(Time::us(10), Phase::kDefault, [] {});
  sim.run();
  // the clock is at 10 us: 9 us is in the past
  CHECK(sim.now() == Time::us(10));
  CHECK_THROWS_AS(sim.schedule_at(Time::us(9), Phase::kDefault, [] {}), std::logic_error);
  // a negative delay is also in the past
  CHECK_THROWS_AS(sim.schedule_in(Time::ps(-1), Phase::kDefault, [] {}), std::logic_error);
  // the current instant itself is allowed
  CHECK_NOTHROW(sim.schedule_at(Time::us(10), Phase::kDefault, [] {}));
}

TEST_CASE("Simulator run_until runs events up to the limit and advances the clock",
          "[event_queue]") {
  Simulator sim;
  std::vector<Time> seen;
  for (int64_t us : {1, 5, 8}) {
    sim.schedule_at(Time::us(us), Phase::kDefault, [&sim, &seen] { seen.push_back(sim.now()); });
  }
  sim.run_until(Time::us(5));
  // events at 1 and 5 us ran (the limit is inclusive), the 8 us event did not
  CHECK(seen == std::vector<Time>{Time::us(1), Time::us(5)});
  CHECK_FALSE(sim.idle());

  sim.run_until(Time::us(7));
  // nothing between 5 and 7 us, but the clock moves to the 7 us limit
  CHECK(sim.now() == Time::us(7));
  CHECK(seen.size() == 2);

  sim.run();
  // run() finishes the 8 us event and stops the clock there
  CHECK(seen.back() == Time::us(8));
  CHECK(sim.now() == Time::us(8));
  CHECK(sim.idle());
  // three events were processed in all
  CHECK(sim.events_processed() == 3);
}

TEST_CASE("Simulator runs events scheduled at the current instant in phase order",
          "[event_queue]") {
  Simulator sim;
  std::vector<std::string> order;
  sim.schedule_at(Time::us(2), Phase::kDefault, [&] {
    order.push_back("decide");
    // scheduled during the 2 us instant, in reverse phase order
    sim.schedule_in(Time::zero(), Phase::kObserve, [&] { order.push_back("observe"); });
    sim.schedule_in(Time::zero(), Phase::kNetworkUpdate, [&] { order.push_back("network"); });
    sim.schedule_in(Time::zero(), Phase::kDefault, [&] { order.push_back("decide-again"); });
    sim.schedule_in(Time::ns(1), Phase::kArrival, [&] { order.push_back("next-instant"); });
  });
  sim.schedule_at(Time::us(2), Phase::kObserve, [&] { order.push_back("observe-preexisting"); });
  sim.run();
  // same instant: default work first, then network-update, then both observers in push order;
  // the 1 ns-later arrival runs last although its phase is the lowest
  CHECK(order == std::vector<std::string>{"decide", "decide-again", "network",
                                          "observe-preexisting", "observe", "next-instant"});
  CHECK(sim.now() == Time::us(2) + Time::ns(1));
}

TEST_CASE("Simulator stop returns after the current event and run resumes", "[event_queue]") {
  Simulator sim;
  std::vector<int> ran;
  sim.schedule_at(Time::us(1), Phase::kDefault, [&] { ran.push_back(1); });
  sim.schedule_at(Time::us(2), Phase::kDefault, [&] {
    ran.push_back(2);
    sim.stop();
  });
  sim.schedule_at(Time::us(3), Phase::kDefault, [&] { ran.push_back(3); });

  sim.run();
  // stopped after the 2 us event: the clock stays there and the 3 us event is pending
  CHECK(ran == std::vector<int>{1, 2});
  CHECK(sim.now() == Time::us(2));
  CHECK(sim.events_processed() == 2);

  sim.run_until(Time::us(10));
  // a new run clears the stop: the 3 us event runs and the clock reaches the 10 us limit
  CHECK(ran == std::vector<int>{1, 2, 3});
  CHECK(sim.now() == Time::us(10));
}

TEST_CASE("Simulator cancel and events_processed", "[event_queue]") {
  Simulator sim;
  int runs = 0;
  sim.schedule_at(Time::ns(1), Phase::kDefault, [&runs] { ++runs; });
  const EventId cancelled = sim.schedule_at(Time::ns(2), Phase::kDefault, [&runs] { ++runs; });
  sim.schedule_in(Time::ns(3), Phase::kDefault, [&runs] { ++runs; });
  // cancelling a pending event through the simulator succeeds once
  CHECK(sim.cancel(cancelled));
  CHECK_FALSE(sim.cancel(cancelled));
  sim.run();
  // two of three events ran; the cancelled one is not counted as processed
  CHECK(runs == 2);
  CHECK(sim.events_processed() == 2);
  // the last event was at 3 ns
  CHECK(sim.now() == Time::ns(3));
}

TEST_CASE("Two Simulators in one process are independent", "[event_queue]") {
  Simulator a(1);
  Simulator b(1);
  int a_runs = 0;
  int b_runs = 0;
  a.schedule_at(Time::us(4), Phase::kDefault, [&a_runs] { ++a_runs; });
  b.schedule_at(Time::us(9), Phase::kDefault, [&b_runs] { ++b_runs; });
  b.schedule_at(Time::us(12), Phase::kDefault, [&b_runs] { ++b_runs; });

  a.run();
  // running a moves only a's clock and queue
  CHECK(a.now() == Time::us(4));
  CHECK(a_runs == 1);
  CHECK(b.now() == Time::zero());
  CHECK(b_runs == 0);
  CHECK_FALSE(b.idle());

  // drawing from a's random stream does not advance b's stream of the same name and seed
  const uint64_t a_first = a.rng().stream("x").next_u64();
  a.rng().stream("x").next_u64();
  CHECK(b.rng().stream("x").next_u64() == a_first);

  b.run();
  // b processed its own two events, ending at 12 us; a's counters are unchanged
  CHECK(b.now() == Time::us(12));
  CHECK(b.events_processed() == 2);
  CHECK(a.events_processed() == 1);
}
