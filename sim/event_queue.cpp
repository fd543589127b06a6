#include "sim/event_queue.h"

#include <stdexcept>
#include <utility>

namespace moesim {

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::kArrival:
      return "arrival";
    case Phase::kCompletion:
      return "completion";
    case Phase::kDefault:
      return "default";
    case Phase::kNetworkUpdate:
      return "network-update";
    case Phase::kObserve:
      return "observe";
  }
  return "unknown";
}

namespace {
constexpr uint64_t kSeqBits = 56;
constexpr uint64_t kSeqMask = (uint64_t{1} << kSeqBits) - 1;
}  // namespace

EventId EventQueue::push(Time time, Phase phase, Callback fn) {
  if (next_seq_ > kSeqMask) throw std::overflow_error("event sequence counter exhausted");
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  const uint64_t seq = next_seq_++;
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.seq = seq;
  s.pending = true;
  heap_.push_back(
      Key{time.picoseconds(), (uint64_t{static_cast<uint8_t>(phase)} << kSeqBits) | seq, slot});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId{slot, seq};
}

bool EventQueue::cancel(EventId id) {
  if (!id.valid() || id.slot >= slots_.size()) return false;
  Slot& s = slots_[id.slot];
  if (!s.pending || s.seq != id.seq) return false;
  s.pending = false;
  s.fn = nullptr;
  --live_;
  return true;
}

void EventQueue::drop_cancelled_top() {
  // Cancelled events stay in the heap until they reach the top; their slot is freed then.
  while (!heap_.empty() && !slots_[heap_.front().slot].pending) {
    free_slots_.push_back(heap_.front().slot);
    pop_key();
  }
}

Time EventQueue::next_time() {
  drop_cancelled_top();
  return heap_.empty() ? Time::max() : Time::ps(heap_.front().time);
}

std::pair<Time, EventQueue::Callback> EventQueue::pop() {
  drop_cancelled_top();
  if (heap_.empty()) throw std::logic_error("pop from an empty event queue");
  const Key top = heap_.front();
  pop_key();
  Slot& s = slots_[top.slot];
  Callback fn = std::move(s.fn);
  s.fn = nullptr;
  s.pending = false;
  free_slots_.push_back(top.slot);
  --live_;
  return {Time::ps(top.time), std::move(fn)};
}

void EventQueue::pop_key() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::sift_up(size_t i) {
  const Key k = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!(k < heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void EventQueue::sift_down(size_t i) {
  const Key k = heap_[i];
  const size_t n = heap_.size();
  while (true) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
    if (!(heap_[child] < k)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = k;
}

}  // namespace moesim
