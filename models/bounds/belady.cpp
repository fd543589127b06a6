#include "models/bounds/belady.h"

#include <iterator>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moesim {

BeladyResult belady_hits(std::span<const uint32_t> references, size_t capacity) {
  const size_t n = references.size();
  // next_use[i]: index of the next reference to references[i] after i, n when none.
  std::vector<size_t> next_use(n);
  std::unordered_map<uint32_t, size_t> seen;
  for (size_t i = n; i-- > 0;) {
    const auto it = seen.find(references[i]);
    next_use[i] = it == seen.end() ? n : it->second;
    seen[references[i]] = i;
  }

  BeladyResult out;
  // Cached items ordered by next use; the last entry is the one to evict.
  std::set<std::pair<size_t, uint32_t>> by_next_use;
  std::unordered_map<uint32_t, size_t> cached;  // item -> its next use (key in by_next_use)
  for (size_t i = 0; i < n; ++i) {
    const uint32_t item = references[i];
    const auto it = cached.find(item);
    if (it != cached.end()) {
      ++out.hits;
      by_next_use.erase({it->second, item});
      it->second = next_use[i];
      by_next_use.insert({next_use[i], item});
      continue;
    }
    ++out.misses;
    if (capacity == 0) continue;
    if (cached.size() == capacity) {
      const auto victim = std::prev(by_next_use.end());
      cached.erase(victim->second);
      by_next_use.erase(victim);
    }
    cached.emplace(item, next_use[i]);
    by_next_use.insert({next_use[i], item});
  }
  out.hit_rate = n > 0 ? static_cast<double>(out.hits) / static_cast<double>(n) : 0.0;
  return out;
}

}  // namespace moesim
