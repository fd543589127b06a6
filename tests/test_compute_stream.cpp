#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/compute_stream.h"
#include "sim/signal.h"
#include "sim/simulator.h"

using moesim::ComputeDevice;
using moesim::ComputeStream;
using moesim::Phase;
using moesim::Signal;
using moesim::Simulator;
using moesim::TaskSpan;
using moesim::Time;

namespace {

/// A TaskSpan with its label copied, since the emitted label lives only during the emit call.
struct RecordedSpan {
  uint32_t device;
  uint32_t stream;
  std::string label;
  Time start;
  Time end;
};

/// Connects to `spans` and appends every emitted span to `out`.
void record_spans(Signal<TaskSpan>& spans, std::vector<RecordedSpan>& out) {
  spans.connect([&out](const TaskSpan& s) {
    out.push_back(RecordedSpan{s.device, s.stream, std::string(s.label), s.start, s.end});
  });
}

}  // namespace

TEST_CASE("A stream runs its tasks one after another", "[compute_stream]") {
  Simulator sim;
  ComputeStream stream(sim, 0, 0, "compute", nullptr);
  // 2 tasks of 3 us on one stream, both submitted at 0: the first ends at 3 us
  CHECK(stream.submit(Time::us(3), "first") == Time::us(3));
  // the second starts when the first ends and ends at 6 us
  CHECK(stream.submit(Time::us(3), "second") == Time::us(6));
  // free_at is the end of the last queued task; busy is the 6 us of work
  CHECK(stream.free_at() == Time::us(6));
  CHECK(stream.busy() == Time::us(6));
  CHECK(stream.name() == "compute");
}

TEST_CASE("A stream that fell idle starts new work at the current time", "[compute_stream]") {
  Simulator sim;
  ComputeStream stream(sim, 0, 0, "compute", nullptr);
  stream.submit(Time::us(2), "early");
  Time late_end;
  sim.schedule_at(Time::us(10), Phase::kDefault,
                  [&] { late_end = stream.submit(Time::us(4), "late"); });
  sim.run();
  // the stream was idle from 2 us; a 4 us task submitted at 10 us ends at 14 us, not 6 us
  CHECK(late_end == Time::us(14));
  CHECK(stream.free_at() == Time::us(14));
  // busy counts only work, not the 8 us gap: 2 + 4 = 6 us
  CHECK(stream.busy() == Time::us(6));
}

TEST_CASE("on_done runs at the finish time in the completion phase", "[compute_stream]") {
  Simulator sim;
  ComputeStream stream(sim, 0, 0, "compute", nullptr);
  std::vector<std::string> order;
  Time done_at;
  // the task is submitted at 1 us and lasts 5 us: on_done at 6 us
  sim.schedule_at(Time::us(1), Phase::kDefault, [&] {
    stream.submit(Time::us(5), "gemm", [&] {
      done_at = sim.now();
      order.push_back("done");
    });
  });
  // other events at 6 us in the phases around kCompletion, pushed before the task existed
  sim.schedule_at(Time::us(6), Phase::kDefault, [&] { order.push_back("default"); });
  sim.schedule_at(Time::us(6), Phase::kArrival, [&] { order.push_back("arrival"); });
  sim.run();
  // submitted at 1 us + 5 us of work: done at 6 us
  CHECK(done_at == Time::us(6));
  // completion runs after arrival and before default work of the same instant
  CHECK(order == std::vector<std::string>{"arrival", "done", "default"});
}

TEST_CASE("on_done callbacks of one stream fire in FIFO order at each end", "[compute_stream]") {
  Simulator sim;
  ComputeStream stream(sim, 0, 0, "compute", nullptr);
  std::vector<Time> done_times;
  const auto note_done = [&] { done_times.push_back(sim.now()); };
  // tasks of 1, 2 and 3 us back to back: they end at 1, 3 and 6 us
  stream.submit(Time::us(1), "a", note_done);
  stream.submit(Time::us(2), "b", note_done);
  stream.submit(Time::us(3), "c", note_done);
  sim.run();
  CHECK(done_times == std::vector<Time>{Time::us(1), Time::us(3), Time::us(6)});
}

TEST_CASE("Two streams of one device run concurrently", "[compute_stream]") {
  Simulator sim;
  ComputeDevice gpu(sim, 3, "gpu3", {"compute", "copy"}, nullptr);
  // the device has the two named streams, in order
  REQUIRE(gpu.stream_count() == 2);
  CHECK(gpu.id() == 3);
  CHECK(gpu.name() == "gpu3");
  CHECK(gpu.stream(0).name() == "compute");
  CHECK(gpu.stream(1).name() == "copy");

  // 4 us of compute and 3 us of copy submitted at 0 overlap: they end at 4 and 3 us, not 7
  CHECK(gpu.stream(0).submit(Time::us(4), "gemm") == Time::us(4));
  CHECK(gpu.stream(1).submit(Time::us(3), "h2d") == Time::us(3));
  // each stream queues only behind its own work: another copy ends at 3 + 2 = 5 us
  CHECK(gpu.stream(1).submit(Time::us(2), "d2h") == Time::us(5));
  CHECK(gpu.stream(0).free_at() == Time::us(4));
  CHECK(gpu.stream(1).free_at() == Time::us(5));
  // a stream index past the end is out of range
  CHECK_THROWS_AS(gpu.stream(2), std::out_of_range);
}

TEST_CASE("A device needs at least one stream", "[compute_stream]") {
  Simulator sim;
  // no stream names: nothing could run on it
  CHECK_THROWS_AS(ComputeDevice(sim, 0, "empty", {}, nullptr), std::invalid_argument);
}

TEST_CASE("A negative duration is rejected and zero is allowed", "[compute_stream]") {
  Simulator sim;
  ComputeStream stream(sim, 0, 0, "compute", nullptr);
  // -1 ps is not a duration
  CHECK_THROWS_AS(stream.submit(Time::ps(-1), "bad"), std::logic_error);
  // the rejected task left no trace
  CHECK(stream.free_at() == Time::zero());
  CHECK(stream.busy() == Time::zero());
  // a zero-length task ends where it starts, and its on_done still runs
  bool done = false;
  CHECK(stream.submit(Time::zero(), "empty", [&done] { done = true; }) == Time::zero());
  sim.run();
  CHECK(done);
}

TEST_CASE("The TaskSpan signal reports device, stream, label and span", "[compute_stream]") {
  Simulator sim;
  Signal<TaskSpan> spans;
  std::vector<RecordedSpan> recorded;
  record_spans(spans, recorded);
  ComputeDevice gpu(sim, 7, "gpu7", {"compute", "copy"}, &spans);

  gpu.stream(0).submit(Time::us(2), "attention");
  gpu.stream(0).submit(Time::us(5), "expert-ffn");
  gpu.stream(1).submit(Time::us(1), "all-to-all-copy");

  // one span per task, emitted at submission
  REQUIRE(recorded.size() == 3);
  // attention on stream 0 of device 7: 0 to 2 us
  CHECK(recorded[0].device == 7);
  CHECK(recorded[0].stream == 0);
  CHECK(recorded[0].label == "attention");
  CHECK(recorded[0].start == Time::zero());
  CHECK(recorded[0].end == Time::us(2));
  // expert-ffn queues behind it: 2 to 7 us
  CHECK(recorded[1].label == "expert-ffn");
  CHECK(recorded[1].start == Time::us(2));
  CHECK(recorded[1].end == Time::us(7));
  // the copy stream is free: 0 to 1 us on stream 1
  CHECK(recorded[2].stream == 1);
  CHECK(recorded[2].label == "all-to-all-copy");
  CHECK(recorded[2].start == Time::zero());
  CHECK(recorded[2].end == Time::us(1));
}

TEST_CASE("Every TaskSpan subscriber sees each span, in connection order", "[compute_stream]") {
  Simulator sim;
  Signal<TaskSpan> spans;
  std::vector<std::string> calls;
  spans.connect([&calls](const TaskSpan& s) { calls.push_back("first:" + std::string(s.label)); });
  spans.connect([&calls](const TaskSpan& s) { calls.push_back("second:" + std::string(s.label)); });
  ComputeStream stream(sim, 0, 0, "compute", &spans);
  stream.submit(Time::ns(10), "k");
  // two subscribers, called in the order they connected
  CHECK(calls == std::vector<std::string>{"first:k", "second:k"});
}

TEST_CASE("A stream without subscribers still schedules its work", "[compute_stream]") {
  Simulator sim;
  Signal<TaskSpan> unconnected;
  // the signal exists but nobody listens
  CHECK_FALSE(unconnected.connected());
  ComputeStream stream(sim, 0, 0, "compute", &unconnected);
  Time done_at;
  stream.submit(Time::ns(300), "k", [&] { done_at = sim.now(); });
  sim.run();
  // the 300 ns task completes at 300 ns
  CHECK(done_at == Time::ns(300));
}
