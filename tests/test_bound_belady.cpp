#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <random>
#include <vector>

#include "models/bounds/belady.h"

using namespace moesim;

namespace {

/// Hits of a least-recently-used cache of `capacity` items.
uint64_t lru_hits(const std::vector<uint32_t>& references, size_t capacity) {
  std::list<uint32_t> recent;  // front: most recent
  uint64_t hits = 0;
  for (uint32_t item : references) {
    const auto it = std::find(recent.begin(), recent.end(), item);
    if (it != recent.end()) {
      ++hits;
      recent.erase(it);
    } else if (capacity > 0 && recent.size() == capacity) {
      recent.pop_back();
    }
    if (capacity > 0) recent.push_front(item);
  }
  return hits;
}

}  // namespace

TEST_CASE("Belady MIN on the textbook reference string", "[bounds]") {
  // 1 2 3 4 1 2 5 1 2 3 4 5, 3 frames:
  // 1 2 3 miss (cold); 4 miss, evicts 3 (next use farthest, index 9); 1 2 hit;
  // 5 miss, evicts 4 (index 10); 1 2 hit; 3 miss, evicts one of 1, 2 (never used again);
  // 4 miss, evicts a never-used item; 5 hit. Misses 7, hits 5.
  const std::vector<uint32_t> refs{1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
  const BeladyResult r = belady_hits(refs, 3);
  CHECK(r.misses == 7);
  CHECK(r.hits == 5);
  CHECK(r.hit_rate == Approx(5.0 / 12));
  // LRU faults 10 times on the same string (hits 2)
  CHECK(lru_hits(refs, 3) == 2);
  // 4 frames: MIN faults 6 times (5 cold + 1)
  CHECK(belady_hits(refs, 4).misses == 6);
}

TEST_CASE("Belady MIN edge capacities", "[bounds]") {
  const std::vector<uint32_t> refs{1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
  // capacity 0: every reference misses
  BeladyResult r = belady_hits(refs, 0);
  CHECK(r.hits == 0);
  CHECK(r.misses == 12);
  CHECK(r.hit_rate == 0);
  // capacity >= 5 distinct items: only the 5 cold misses
  for (size_t capacity : {5u, 6u, 100u}) {
    r = belady_hits(refs, capacity);
    CHECK(r.misses == 5);
    CHECK(r.hits == 7);
  }
  // an empty string
  r = belady_hits({}, 3);
  CHECK(r.hits == 0);
  CHECK(r.misses == 0);
  CHECK(r.hit_rate == 0);
}

TEST_CASE("Belady MIN hits at least as often as LRU", "[bounds]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const uint32_t items = 2 + rng() % 30;
    const size_t length = 1 + rng() % 400;
    const size_t capacity = rng() % (items + 2);
    // skewed references: the square of a uniform draw favours low ids
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<uint32_t> refs(length);
    for (uint32_t& ref : refs) {
      const double u = unit(rng);
      ref = std::min(items - 1, static_cast<uint32_t>(u * u * items));
    }
    const BeladyResult r = belady_hits(refs, capacity);
    INFO("trial " << trial << " capacity " << capacity);
    CHECK(r.hits + r.misses == length);
    CHECK(r.hits >= lru_hits(refs, capacity));
  }
}
