#include "traces/metrics/segment_cache_hits.h"

#include <algorithm>
#include <stdexcept>

namespace moesim {

SegmentCacheHits::SegmentCacheHits(uint32_t num_experts, std::vector<uint32_t> windows)
    : num_experts_(num_experts), windows_(std::move(windows)), depths_(windows_.size()) {
  for (const uint32_t w : windows_) {
    if (w == 0) throw std::invalid_argument("SCH window must be > 0 tokens");
  }
}

void SegmentCacheHits::add(const RoutingRecordView& r) {
  Sequence& s = sequences_[{r.layer, r.request}];
  for (const uint32_t e : r.experts) {
    if (e >= num_experts_) throw std::out_of_range("expert id beyond the trace's experts");
    s.experts.push_back(e);
  }
  s.offsets.push_back(static_cast<uint32_t>(s.experts.size()));
}

void SegmentCacheHits::replay(const Sequence& s, uint32_t window,
                              std::vector<double>& depth_histogram) {
  const size_t tokens = s.offsets.size() - 1;
  std::vector<uint32_t> future(num_experts_, 0);  // uses in the next `window` tokens
  std::vector<uint64_t> last_use(num_experts_, 0);
  std::vector<uint32_t> stack;  // most important first; position = depth
  const auto add_token = [&](size_t t, int delta) {
    if (t >= tokens) return;
    for (uint32_t i = s.offsets[t]; i < s.offsets[t + 1]; ++i) future[s.experts[i]] += delta;
  };
  const auto keeps = [&](uint32_t a, uint32_t b) {  // a has the higher priority
    return future[a] != future[b] ? future[a] > future[b] : last_use[a] > last_use[b];
  };
  for (size_t t = 1; t <= window; ++t) add_token(t, +1);
  uint64_t clock = 0;
  for (size_t t = 0; t < tokens; ++t) {
    // Hits against the cache before this token.
    size_t unseen = stack.size();
    for (uint32_t i = s.offsets[t]; i < s.offsets[t + 1]; ++i) {
      const auto it = std::find(stack.begin(), stack.end(), s.experts[i]);
      const size_t depth = it == stack.end() ? unseen++ : static_cast<size_t>(it - stack.begin());
      depth_histogram[depth] += 1.0;
    }
    for (uint32_t i = s.offsets[t]; i < s.offsets[t + 1]; ++i) {
      const uint32_t x = s.experts[i];
      last_use[x] = ++clock;
      const auto it = std::find(stack.begin(), stack.end(), x);
      const size_t position = static_cast<size_t>(it - stack.begin());
      if (position == 0 && !stack.empty()) continue;
      if (stack.empty()) {
        stack.push_back(x);
        continue;
      }
      // The carry is the expert a cache of j + 1 experts evicts; it sinks to where x was.
      uint32_t carry = stack[0];
      stack[0] = x;
      const size_t end = std::min(position, stack.size());
      for (size_t j = 1; j < end; ++j) {
        if (keeps(carry, stack[j])) std::swap(carry, stack[j]);
      }
      if (position == stack.size()) {
        stack.push_back(carry);
      } else {
        stack[position] = carry;
      }
    }
    add_token(t + 1, -1);           // the next token leaves its own window ...
    add_token(t + 1 + window, +1);  // ... and the window gains one token
  }
}

void SegmentCacheHits::finish() {
  for (size_t w = 0; w < windows_.size(); ++w) {
    for (const auto& [key, sequence] : sequences_) {
      const uint32_t layer = key.first;
      if (depths_[w].size() <= layer) depths_[w].resize(layer + 1);
      auto& histogram = depths_[w][layer];
      // Depths of first uses reach E - 1 plus the number of new experts in one token.
      histogram.resize(2 * static_cast<size_t>(num_experts_), 0.0);
      replay(sequence, windows_[w], histogram);
    }
  }
}

uint32_t SegmentCacheHits::layers() const {
  return depths_.empty() ? 0 : static_cast<uint32_t>(depths_[0].size());
}

namespace {

std::vector<double> rates(const std::vector<double>& histogram, uint32_t num_experts) {
  std::vector<double> out(num_experts, 0.0);
  double total = 0.0;
  for (const double h : histogram) total += h;
  double running = 0.0;
  for (uint32_t c = 0; c < num_experts; ++c) {
    running += c < histogram.size() ? histogram[c] : 0.0;
    out[c] = total > 0.0 ? running / total : 0.0;
  }
  return out;
}

}  // namespace

std::vector<double> SegmentCacheHits::hit_rates(size_t w, uint32_t layer) const {
  if (layer >= depths_.at(w).size()) return std::vector<double>(num_experts_, 0.0);
  return rates(depths_[w][layer], num_experts_);
}

std::vector<double> SegmentCacheHits::hit_rates_all_layers(size_t w) const {
  std::vector<double> sum(2 * static_cast<size_t>(num_experts_), 0.0);
  for (const auto& h : depths_.at(w)) {
    for (size_t d = 0; d < h.size(); ++d) sum[d] += h[d];
  }
  return rates(sum, num_experts_);
}

}  // namespace moesim
