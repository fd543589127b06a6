#pragma once
/// Flow-level network with max-min fair sharing and per-hop latency.
///
/// A flow first waits the sum of its links' latencies (the head of the message crossing the
/// path), then joins every link of its path and shares each by max-min fairness with the other
/// active flows. Starts and ends at one instant are coalesced: one re-rate runs in
/// Phase::kNetworkUpdate, and it re-rates only the connected component of flows reachable
/// from the changed links through shared links, which is exactly the set whose fair rates can
/// change. Between re-rates each flow drains at a constant rate, so its finish time is exact.
/// Each active flow has one entry in a deadline heap, moved in place at every re-rate, so the
/// bookkeeping stays proportional to the active flows. `on_done` and `flow_finished` always
/// run from an event, never inside start_flow, and may start new flows.

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "sim/deadline_heap.h"
#include "sim/max_min_solver.h"
#include "sim/network_model.h"
#include "sim/simulator.h"

namespace moesim {

class MaxMinNetwork final : public NetworkModel {
 public:
  explicit MaxMinNetwork(Simulator& sim) : sim_(&sim) {}

  LinkId add_link(const LinkConfig& config) override;
  uint64_t start_flow(const std::vector<LinkId>& path, double bytes, FlowTag tag,
                      std::function<void()> on_done) override;

  const LinkConfig& link(LinkId id) const override { return links_.at(id).config; }
  size_t link_count() const override { return links_.size(); }
  double bytes_carried(LinkId id) const override { return links_.at(id).carried; }
  size_t active_flows() const override { return live_flows_; }

  /// Current rate of a flow by id (bytes/s), 0 if it is still in its latency phase or done.
  double rate_of(uint64_t flow_id) const;
  /// Active flows with a finish time pending (one deadline each), for tests of bookkeeping.
  size_t pending_deadlines() const { return due_.size(); }
  /// Flow rate computations done so far (one per flow per re-rate), for benchmarks.
  uint64_t flows_rerated() const { return flows_rerated_; }

 private:
  enum class State : uint8_t { kFree, kLatency, kActive };
  struct Link {
    LinkConfig config;
    std::vector<uint32_t> flows;  // active flow slots crossing this link
    double carried = 0.0;
    uint64_t mark = 0;
    uint32_t local = 0;  // index in the current re-rate problem
  };
  struct Flow {
    std::vector<LinkId> path;
    std::vector<uint32_t> pos_in_link;  // index of this flow in links_[path[i]].flows
    std::function<void()> on_done;
    FlowTag tag;
    uint64_t id = 0;
    uint64_t mark = 0;
    double bytes = 0.0;
    double remaining = 0.0;
    double rate = 0.0;
    Time created;
    Time last_update;
    State state = State::kFree;
  };
  void activate(uint32_t slot);
  void attach(uint32_t slot);
  void detach(uint32_t slot);
  void finish(uint32_t slot);
  void request_rerate();
  void rerate();
  void complete_due();
  void arm_wakeup();

  Simulator* sim_;
  std::vector<Link> links_;
  std::deque<Flow> flows_;  // a deque: references stay valid while callbacks start flows
  std::vector<uint32_t> free_flows_;
  std::vector<LinkId> dirty_links_;
  DeadlineHeap due_;  // finish time of every active flow, by slot
  EventId wakeup_;
  Time wakeup_time_ = Time::max();
  bool rerate_pending_ = false;
  uint64_t next_flow_id_ = 0;
  uint64_t epoch_ = 0;
  uint64_t flows_rerated_ = 0;
  size_t live_flows_ = 0;

  // Re-rate scratch, reused.
  std::vector<uint32_t> component_flows_;
  std::vector<LinkId> component_links_;
  std::vector<uint32_t> local_path_;
  std::vector<double> rates_;
  MaxMinProblem problem_;
  MaxMinSolver solver_;
};

}  // namespace moesim
