#pragma once
/// The collective-level network: flows finish in closed form, without re-rating anything.
///
/// Flows started at the same instant are one batch (the transfers of one collective step, or
/// of several groups' steps issued together). As in the max-min model, a flow first waits its
/// path's latency, then sends. Each link drains the batch's bytes on it at full bandwidth,
/// starting when the first of its flows may send (the shortest path latency among them) or
/// when it has drained earlier batches. A flow arrives when every link of its path has drained
/// the batch, and never before it could cross its path alone (latency plus its bytes over the
/// slowest link). A step thus lasts its busiest link's bytes over bandwidth plus latency terms:
/// exact where no two flows share a link (there it equals the max-min model), the lower bound
/// of fair sharing otherwise; small flows on a busy link finish with the link, not before. Each
/// flow costs O(path length): no rates, no connected components.

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/network_model.h"
#include "sim/simulator.h"

namespace moesim {

class CollectiveNetwork final : public NetworkModel {
 public:
  explicit CollectiveNetwork(Simulator& sim) : sim_(&sim) {}

  LinkId add_link(const LinkConfig& config) override;
  uint64_t start_flow(const std::vector<LinkId>& path, double bytes, FlowTag tag,
                      std::function<void()> on_done) override;

  const LinkConfig& link(LinkId id) const override { return links_.at(id).config; }
  size_t link_count() const override { return links_.size(); }
  double bytes_carried(LinkId id) const override { return links_.at(id).carried; }
  size_t active_flows() const override { return active_; }
  bool collective_level() const override { return true; }

 private:
  struct Link {
    LinkConfig config;
    double carried = 0.0;
    double batch_bytes = 0.0;  // bytes of the pending batch
    Time batch_start;          // the pending batch's shortest path latency among its flows
    Time free_at;              // when the link has drained everything given to it
  };
  struct Pending {
    std::vector<LinkId> path;
    double bytes;
    FlowTag tag;
    uint64_t id;
    std::function<void()> on_done;
  };
  void settle_batch();

  Simulator* sim_;
  std::vector<Link> links_;
  std::vector<Pending> batch_;  // flows started at this instant
  uint64_t next_id_ = 0;
  size_t active_ = 0;
};

}  // namespace moesim
