#include "models/reference/top_k.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace moesim::kernels {

void top_k_of(std::span<const float> values, std::span<const uint32_t> candidates, uint32_t k,
              std::vector<uint32_t>& out) {
  if (k > candidates.size()) {
    throw std::invalid_argument("top_k: k = " + std::to_string(k) + " exceeds the " +
                                std::to_string(candidates.size()) + " candidates");
  }
  out.assign(candidates.begin(), candidates.end());
  // A strict weak order as long as no value is NaN: by value descending, then index ascending.
  const auto before = [values](uint32_t a, uint32_t b) {
    return values[a] > values[b] || (values[a] == values[b] && a < b);
  };
  std::partial_sort(out.begin(), out.begin() + k, out.end(), before);
  out.resize(k);
}

std::vector<uint32_t> top_k(std::span<const float> values, uint32_t k) {
  std::vector<uint32_t> all(values.size());
  std::iota(all.begin(), all.end(), 0U);
  std::vector<uint32_t> out;
  top_k_of(values, all, k, out);
  return out;
}

}  // namespace moesim::kernels
