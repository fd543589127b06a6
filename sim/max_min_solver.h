#pragma once
/// Max-min fair rates by progressive filling.
///
/// All flows' rates rise together; when a link saturates, the flows crossing it are frozen at
/// its fair share and the link's remaining capacity is shared by nobody else. Repeating until
/// every flow is frozen gives the max-min fair allocation (Bertsekas & Gallager, Data Networks,
/// 2nd ed., section 6.5.2). Each round saturates the link with the smallest residual capacity
/// per unfrozen flow.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moesim {

/// A sharing problem in compressed form: flow f crosses the links
/// flow_links[flow_offsets[f] .. flow_offsets[f + 1]).
struct MaxMinProblem {
  std::vector<double> capacity;  ///< per link, bytes/s, > 0
  std::vector<uint32_t> flow_offsets{0};
  std::vector<uint32_t> flow_links;

  size_t flow_count() const { return flow_offsets.size() - 1; }
  void clear() {
    capacity.clear();
    flow_offsets.assign(1, 0);
    flow_links.clear();
  }
  void add_flow(const std::vector<uint32_t>& links) {
    flow_links.insert(flow_links.end(), links.begin(), links.end());
    flow_offsets.push_back(static_cast<uint32_t>(flow_links.size()));
  }
};

class MaxMinSolver {
 public:
  /// Fills `rates` (one per flow, bytes/s). A flow with no links gets rate 0.
  void solve(const MaxMinProblem& problem, std::vector<double>& rates);

 private:
  // Scratch reused between calls.
  std::vector<uint32_t> link_offsets_;
  std::vector<uint32_t> link_flows_;
  std::vector<double> residual_;
  std::vector<uint32_t> unfrozen_;
  std::vector<uint32_t> open_links_;
  std::vector<uint8_t> frozen_;
};

}  // namespace moesim
