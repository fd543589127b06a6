#pragma once
/// Belady's MIN (Belady, "A study of replacement algorithms for a virtual-storage computer",
/// IBM Systems Journal 1966): the optimal demand cache. On a miss with a full cache it evicts the
/// item whose next use is farthest in the future (never used again counts as farthest). Its
/// hit count bounds every replacement policy (LRU, LFU, expert caches) of the same capacity on
/// the same reference string. Cold misses count as misses; every missed item is inserted.

#include <cstddef>
#include <cstdint>
#include <span>

namespace moesim {

struct BeladyResult {
  uint64_t hits = 0, misses = 0;
  double hit_rate = 0;  ///< hits / references; 0 for an empty string
};

/// MIN over `references` with room for `capacity` items, O(n log capacity). Capacity 0 makes
/// every reference a miss.
BeladyResult belady_hits(std::span<const uint32_t> references, size_t capacity);

}  // namespace moesim
