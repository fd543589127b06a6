#include "traces/alias_table.h"

#include <cmath>
#include <stdexcept>

namespace moesim {

AliasTable::AliasTable(std::span<const double> weights) {
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw std::invalid_argument("alias table needs finite non-negative weights");
    }
    total += w;
  }
  if (!(total > 0.0)) throw std::invalid_argument("alias table needs a positive total weight");
  const size_t n = weights.size();
  probabilities_.resize(n);
  accept_.assign(n, 1.0);
  alias_.resize(n);
  std::vector<double> scaled(n);  // probability x n: columns below 1 borrow from columns above
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (size_t i = 0; i < n; ++i) {
    probabilities_[i] = weights[i] / total;
    scaled[i] = probabilities_[i] * static_cast<double>(n);
    alias_[i] = static_cast<uint32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back();
    small.pop_back();
    const uint32_t l = large.back();
    accept_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is 1 up to rounding: always kept.
  for (const uint32_t i : small) accept_[i] = 1.0;
  for (const uint32_t i : large) accept_[i] = 1.0;
}

}  // namespace moesim
