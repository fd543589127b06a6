#include "sim/deadline_heap.h"

namespace moesim {

void DeadlineHeap::place(size_t index, const Entry& e) {
  heap_[index] = e;
  position_[e.item] = static_cast<uint32_t>(index);
}

void DeadlineHeap::set(uint32_t item, int64_t deadline) {
  if (item >= position_.size()) position_.resize(static_cast<size_t>(item) + 1, kAbsent);
  const uint32_t at = position_[item];
  if (at == kAbsent) {
    heap_.push_back(Entry{deadline, item});
    position_[item] = static_cast<uint32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
    return;
  }
  const int64_t old = heap_[at].deadline;
  heap_[at].deadline = deadline;
  if (deadline < old) {
    sift_up(at);
  } else {
    sift_down(at);
  }
}

void DeadlineHeap::erase(uint32_t item) {
  if (!contains(item)) return;
  const uint32_t at = position_[item];
  position_[item] = kAbsent;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (at == heap_.size()) return;  // it was the last entry
  place(at, last);
  sift_up(at);
  sift_down(position_[last.item]);
}

void DeadlineHeap::sift_up(size_t index) {
  const Entry e = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (!(e < heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, e);
}

void DeadlineHeap::sift_down(size_t index) {
  const Entry e = heap_[index];
  const size_t n = heap_.size();
  while (true) {
    size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
    if (!(heap_[child] < e)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, e);
}

}  // namespace moesim
