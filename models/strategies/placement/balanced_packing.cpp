#include "models/strategies/placement/balanced_packing.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace moesim {

std::vector<uint32_t> balanced_packing(const std::vector<double>& weights,
                                       const std::vector<uint32_t>& capacity,
                                       const std::function<bool(uint32_t, uint32_t)>& allowed) {
  const uint64_t room = std::accumulate(capacity.begin(), capacity.end(), uint64_t{0});
  if (room < weights.size()) throw std::invalid_argument("balanced packing: packs too small");
  std::vector<uint32_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return weights[a] > weights[b]; });
  std::vector<double> load(capacity.size(), 0.0);
  std::vector<uint32_t> count(capacity.size(), 0);
  std::vector<uint32_t> pack_of(weights.size(), 0);
  for (const uint32_t item : order) {
    int best = -1, fallback = -1;
    for (uint32_t p = 0; p < capacity.size(); ++p) {
      if (count[p] >= capacity[p]) continue;
      if (fallback < 0 || load[p] < load[fallback]) fallback = static_cast<int>(p);
      if (allowed && !allowed(item, p)) continue;
      if (best < 0 || load[p] < load[best]) best = static_cast<int>(p);
    }
    const auto p = static_cast<uint32_t>(best >= 0 ? best : fallback);
    pack_of[item] = p;
    load[p] += weights[item];
    ++count[p];
  }
  return pack_of;
}

}  // namespace moesim
