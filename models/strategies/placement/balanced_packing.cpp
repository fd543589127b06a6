#include "models/strategies/placement/balanced_packing.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace moesim {
namespace {

class Packing {
 public:
  Packing(const std::vector<double>& weights, const std::vector<uint32_t>& capacity,
          const std::vector<uint32_t>& group)
      : weights_(weights),
        capacity_(capacity),
        group_(group),
        load_(capacity.size(), 0.0),
        items_(capacity.size()),
        pack_of_(weights.size(), 0) {}

  bool room(uint32_t p) const { return items_[p].size() < capacity_[p]; }
  /// Whether `item`'s group has no other item in pack p.
  bool free_for(uint32_t item, uint32_t p) const {
    if (group_.empty()) return true;
    return std::none_of(items_[p].begin(), items_[p].end(), [&](uint32_t other) {
      return other != item && group_[other] == group_[item];
    });
  }
  void put(uint32_t item, uint32_t p) {
    items_[p].push_back(item);
    load_[p] += weights_[item];
    pack_of_[item] = p;
  }
  void take(uint32_t item, uint32_t p) {
    items_[p].erase(std::find(items_[p].begin(), items_[p].end(), item));
    load_[p] -= weights_[item];
  }

  void place(uint32_t item) {
    int best = -1, fallback = -1;
    for (uint32_t p = 0; p < capacity_.size(); ++p) {
      if (!room(p)) continue;
      if (fallback < 0 || load_[p] < load_[fallback]) fallback = static_cast<int>(p);
      if (free_for(item, p) && (best < 0 || load_[p] < load_[best])) best = static_cast<int>(p);
    }
    if (best >= 0) return put(item, static_cast<uint32_t>(best));
    const auto open = static_cast<uint32_t>(fallback);
    // Swap: `item` into a full pack free for it, whose lightest movable item goes to `open`
    // (the first such pack; ties to the lower item index).
    for (uint32_t q = 0; q < capacity_.size(); ++q) {
      if (q == open || !free_for(item, q)) continue;
      int lightest = -1;
      for (const uint32_t other : items_[q]) {
        if (!free_for(other, open)) continue;
        if (lightest < 0 || weights_[other] < weights_[lightest] ||
            (weights_[other] == weights_[lightest] && other < static_cast<uint32_t>(lightest))) {
          lightest = static_cast<int>(other);
        }
      }
      if (lightest < 0) continue;
      take(static_cast<uint32_t>(lightest), q);
      put(static_cast<uint32_t>(lightest), open);
      return put(item, q);
    }
    put(item, open);  // no swap exists: share a pack with its group
  }

  const std::vector<uint32_t>& pack_of() const { return pack_of_; }

 private:
  const std::vector<double>& weights_;
  const std::vector<uint32_t>& capacity_;
  const std::vector<uint32_t>& group_;
  std::vector<double> load_;
  std::vector<std::vector<uint32_t>> items_;
  std::vector<uint32_t> pack_of_;
};

}  // namespace

std::vector<uint32_t> balanced_packing(const std::vector<double>& weights,
                                       const std::vector<uint32_t>& capacity,
                                       const std::vector<uint32_t>& group) {
  const uint64_t room = std::accumulate(capacity.begin(), capacity.end(), uint64_t{0});
  if (room < weights.size()) throw std::invalid_argument("balanced packing: packs too small");
  if (!group.empty() && group.size() != weights.size()) {
    throw std::invalid_argument("balanced packing: one group per item");
  }
  std::vector<uint32_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return weights[a] > weights[b]; });
  Packing packing(weights, capacity, group);
  for (const uint32_t item : order) packing.place(item);
  return packing.pack_of();
}

}  // namespace moesim
