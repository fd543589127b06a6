#pragma once
/// The pending-event set with a total order (time, phase, seq).
///
/// `seq` grows by one on every push, so two events at the same time and phase run in the order
/// they were scheduled: runs are reproducible whatever the heap does internally. Callbacks live
/// in slots that are recycled through a free list; the heap itself only moves 24-byte keys.

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/time.h"

namespace moesim {

/// Sub-ordering of events at the same instant. Lower values run first.
enum class Phase : uint8_t {
  /// External inputs (request arrivals) land before anything decides on them.
  kArrival = 0,
  /// Resources report finished work, freeing capacity before new work is decided.
  kCompletion = 1,
  /// Model logic: scheduling decisions and starting new work.
  kDefault = 2,
  /// The flow network re-rates once after every same-instant start and end (coalescing).
  kNetworkUpdate = 3,
  /// Observers and samplers see the settled state of the instant.
  kObserve = 4,
};

const char* to_string(Phase phase);

/// Names one scheduled event so that it can be cancelled; stale handles are harmless.
struct EventId {
  uint32_t slot = UINT32_MAX;
  uint64_t seq = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  using Callback = std::function<void()>;

  EventId push(Time time, Phase phase, Callback fn);

  /// Cancels a pending event. Returns false if it already ran, was cancelled, or never existed.
  bool cancel(EventId id);

  bool empty() const { return live_ == 0; }
  size_t size() const { return live_; }

  /// Time of the earliest live event; Time::max() when empty.
  Time next_time();

  /// Removes the earliest live event and returns its time and callback. Precondition: !empty().
  std::pair<Time, Callback> pop();

 private:
  struct Key {
    int64_t time;
    uint64_t order;  // phase in the top 8 bits, seq below
    uint32_t slot;
    bool operator<(const Key& o) const {
      return time < o.time || (time == o.time && order < o.order);
    }
  };
  struct Slot {
    Callback fn;
    uint64_t seq = 0;
    bool pending = false;
  };

  void drop_cancelled_top();
  void sift_up(size_t i);
  void sift_down(size_t i);
  void pop_key();

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 0;
  size_t live_ = 0;
};

}  // namespace moesim
