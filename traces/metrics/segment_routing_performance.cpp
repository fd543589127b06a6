#include "traces/metrics/segment_routing_performance.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace moesim {

SegmentRoutingPerformance::SegmentRoutingPerformance(uint32_t num_experts,
                                                     std::vector<uint32_t> segment_lengths)
    : num_experts_(num_experts), lengths_(std::move(segment_lengths)), totals_(lengths_.size()) {
  for (const uint32_t m : lengths_) {
    if (m == 0) throw std::invalid_argument("SRP segment length must be > 0");
  }
}

void SegmentRoutingPerformance::close(size_t m, uint32_t layer, Open& open) {
  if (totals_[m].size() <= layer) totals_[m].resize(layer + 1);
  Totals& t = totals_[m][layer];
  t.matches.resize(num_experts_, 0.0);
  sorted_.assign(open.counts.begin(), open.counts.end());
  std::sort(sorted_.begin(), sorted_.end(), std::greater<>());
  double running = 0.0;
  for (uint32_t p = 0; p < num_experts_; ++p) t.matches[p] += (running += sorted_[p]);
  t.actual += static_cast<double>(open.selections);
  ++t.segments;
  std::fill(open.counts.begin(), open.counts.end(), 0);
  open.tokens = 0;
  open.selections = 0;
}

void SegmentRoutingPerformance::add(const RoutingRecordView& r) {
  auto& opens = open_[{r.request, r.layer}];
  if (opens.empty()) opens.resize(lengths_.size(), Open{std::vector<uint32_t>(num_experts_, 0)});
  for (size_t m = 0; m < lengths_.size(); ++m) {
    Open& open = opens[m];
    for (const uint32_t e : r.experts) {
      if (e >= num_experts_) throw std::out_of_range("expert id beyond the trace's experts");
      ++open.counts[e];
    }
    open.selections += r.experts.size();
    if (++open.tokens == lengths_[m]) close(m, r.layer, open);
  }
  for (size_t m = 0; m < lengths_.size(); ++m) {
    if (totals_[m].size() <= r.layer) totals_[m].resize(r.layer + 1);
  }
}

SrpResult SegmentRoutingPerformance::best(const Totals& t, uint32_t m) const {
  SrpResult out;
  out.segments = t.segments;
  for (uint32_t p = 0; p < t.matches.size(); ++p) {
    const double predictions = static_cast<double>(p + 1) * m * static_cast<double>(t.segments);
    const double denominator = predictions + t.actual;
    const double f1 = denominator > 0.0 ? 2.0 * t.matches[p] / denominator : 0.0;
    if (f1 > out.srp) {
      out.srp = f1;
      out.best_p = p + 1;
    }
  }
  return out;
}

SrpResult SegmentRoutingPerformance::result(size_t m, uint32_t layer) const {
  if (layer >= totals_.at(m).size()) return {};
  return best(totals_[m][layer], lengths_[m]);
}

SrpResult SegmentRoutingPerformance::result_all_layers(size_t m) const {
  Totals sum;
  sum.matches.assign(num_experts_, 0.0);
  for (const Totals& t : totals_.at(m)) {
    for (size_t p = 0; p < t.matches.size(); ++p) sum.matches[p] += t.matches[p];
    sum.actual += t.actual;
    sum.segments += t.segments;
  }
  return best(sum, lengths_[m]);
}

}  // namespace moesim
