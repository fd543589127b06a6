#pragma once
/// Segment Routing best Performance, SRP(m) (strategies.md section 3.11; "Not All Models Suit
/// Expert Offloading", arXiv 2505.16056): how well one fixed expert set per m-token segment
/// could serve it.
///
/// Each request's tokens at a layer, in arrival order, are cut into consecutive segments of m
/// tokens (an unfinished last segment is left out). In a segment, c_e counts the tokens that
/// chose expert e; the oracle set of P experts is the top-P by c_e, with matches = sum of its
/// c_e, predictions = P m and actual = selections in the segment. F1(P) = 2 matches /
/// (predictions + actual), with matches, predictions and actual summed over the segments (of a
/// layer, or of all layers); SRP is the largest F1(P) over P = 1 .. E. (The authors' scripts
/// slide the window over every start and threshold on c_e; this follows the section's
/// definition.)

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim {

struct SrpResult {
  double srp = 0.0;     ///< best F1
  uint32_t best_p = 0;  ///< experts in the best set
  uint64_t segments = 0;
};

class SegmentRoutingPerformance {
 public:
  SegmentRoutingPerformance(uint32_t num_experts, std::vector<uint32_t> segment_lengths);

  void add(const RoutingRecordView& record);

  const std::vector<uint32_t>& segment_lengths() const { return lengths_; }
  uint32_t layers() const { return static_cast<uint32_t>(totals_.empty() ? 0 : totals_[0].size()); }
  /// For segment length index `m`, at one layer, or over all layers.
  SrpResult result(size_t m, uint32_t layer) const;
  SrpResult result_all_layers(size_t m) const;

 private:
  struct Totals {
    std::vector<double> matches;  // by P - 1
    double actual = 0.0;
    uint64_t segments = 0;
  };
  struct Open {
    std::vector<uint32_t> counts;  // by expert
    uint32_t tokens = 0;
    uint64_t selections = 0;
  };
  SrpResult best(const Totals& t, uint32_t m) const;
  void close(size_t m, uint32_t layer, Open& open);

  uint32_t num_experts_;
  std::vector<uint32_t> lengths_;
  std::vector<std::vector<Totals>> totals_;                          // [m][layer]
  std::map<std::pair<uint64_t, uint32_t>, std::vector<Open>> open_;  // (request, layer) -> [m]
  std::vector<uint32_t> sorted_;
};

}  // namespace moesim
