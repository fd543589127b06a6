// DeadlineHeap: one entry per item, moved in place; ties broken by item index.

#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/deadline_heap.h"
#include "sim/rng.h"

using moesim::DeadlineHeap;

TEST_CASE("the earliest deadline is on top, ties by item index", "[deadline_heap]") {
  DeadlineHeap h;
  h.set(5, 30);
  h.set(2, 10);
  h.set(9, 10);
  h.set(1, 20);
  // 10 (items 2 and 9: 2 first), then 20, then 30.
  std::vector<uint32_t> order;
  while (!h.empty()) {
    order.push_back(h.top_item());
    h.erase(h.top_item());
  }
  CHECK(order == std::vector<uint32_t>{2, 9, 1, 5});
}

TEST_CASE("setting an item again moves its one entry", "[deadline_heap]") {
  DeadlineHeap h;
  h.set(0, 100);
  h.set(1, 200);
  h.set(0, 300);  // later: item 1 is now first
  CHECK(h.size() == 2);
  CHECK(h.top_item() == 1);
  h.set(0, 50);  // earlier again
  CHECK(h.top_item() == 0);
  CHECK(h.top_deadline() == 50);
  h.erase(0);
  h.erase(0);  // erasing an absent item is a no-op
  CHECK(h.size() == 1);
  CHECK_FALSE(h.contains(0));
  CHECK(h.contains(1));
}

TEST_CASE("random sets and erases keep heap order", "[deadline_heap]") {
  DeadlineHeap h;
  moesim::RngStream rng(7);
  std::vector<int64_t> expected(64, -1);  // -1: absent
  for (int step = 0; step < 20'000; ++step) {
    const auto item = static_cast<uint32_t>(rng.uniform_int(64));
    if (rng.uniform_int(3) == 0) {
      h.erase(item);
      expected[item] = -1;
    } else {
      const auto deadline = static_cast<int64_t>(rng.uniform_int(1000));
      h.set(item, deadline);
      expected[item] = deadline;
    }
    // The top is the minimum (deadline, item) among present items.
    int64_t best = -1;
    uint32_t best_item = 0;
    size_t present = 0;
    for (uint32_t i = 0; i < 64; ++i) {
      if (expected[i] < 0) continue;
      ++present;
      if (best < 0 || expected[i] < best) {
        best = expected[i];
        best_item = i;
      }
    }
    REQUIRE(h.size() == present);
    if (present > 0) {
      REQUIRE(h.top_deadline() == best);
      REQUIRE(h.top_item() == best_item);
    }
  }
}
