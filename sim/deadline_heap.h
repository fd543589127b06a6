#pragma once
/// A min-heap of deadlines indexed by item, one entry per item, updated in place.
///
/// The flow network keeps each active flow's finish time here. A re-rate changes the finish
/// time of every flow in a component; updating the one entry per flow (instead of pushing a
/// new entry and leaving the old one stale) keeps the heap at the number of active flows, so
/// memory stays bounded however long flows live. Ties on time are broken by item index, which
/// keeps the order of same-instant completions deterministic.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moesim {

class DeadlineHeap {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  /// Sets (inserts or moves) the deadline of `item`, in picoseconds.
  void set(uint32_t item, int64_t deadline);
  /// Removes `item` if present.
  void erase(uint32_t item);
  bool contains(uint32_t item) const {
    return item < position_.size() && position_[item] != kAbsent;
  }

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  /// The earliest deadline and its item. Precondition: !empty().
  int64_t top_deadline() const { return heap_.front().deadline; }
  uint32_t top_item() const { return heap_.front().item; }

 private:
  struct Entry {
    int64_t deadline;
    uint32_t item;
    bool operator<(const Entry& o) const {
      return deadline < o.deadline || (deadline == o.deadline && item < o.item);
    }
  };
  void place(size_t index, const Entry& e);
  void sift_up(size_t index);
  void sift_down(size_t index);

  std::vector<Entry> heap_;
  std::vector<uint32_t> position_;  // item -> index in heap_, or kAbsent
};

}  // namespace moesim
