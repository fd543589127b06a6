#include "sim/collective_network.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

LinkId CollectiveNetwork::add_link(const LinkConfig& config) {
  check_link_config(config);
  links_.push_back(Link{config, 0.0, 0.0, Time::zero(), Time::zero()});
  return static_cast<LinkId>(links_.size() - 1);
}

uint64_t CollectiveNetwork::start_flow(const std::vector<LinkId>& path, double bytes, FlowTag tag,
                                       std::function<void()> on_done) {
  if (path.empty()) throw std::invalid_argument("a flow needs a path of at least one link");
  if (!(bytes >= 0.0) || !std::isfinite(bytes)) {
    throw std::invalid_argument(
        fmt::format("flow size must be a finite number >= 0, got {}", bytes));
  }
  for (const LinkId l : path) {
    if (l >= links_.size()) throw std::invalid_argument(fmt::format("unknown link id {}", l));
  }
  if (batch_.empty()) {
    // Every start of this instant joins the batch; it is settled once they are all known.
    sim_->schedule_in(Time::zero(), Phase::kNetworkUpdate, [this] { settle_batch(); });
  }
  const uint64_t id = next_id_++;
  batch_.push_back(Pending{path, bytes, tag, id, std::move(on_done)});
  ++active_;
  return id;
}

void CollectiveNetwork::settle_batch() {
  const Time now = sim_->now();
  std::vector<Pending> batch;
  batch.swap(batch_);
  std::vector<Time> latency(batch.size(), Time::zero());
  for (size_t i = 0; i < batch.size(); ++i) {
    for (const LinkId l : batch[i].path) latency[i] += links_[l].config.latency;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    for (const LinkId l : batch[i].path) {
      Link& link = links_[l];
      if (link.batch_bytes == 0.0 || latency[i] < link.batch_start) link.batch_start = latency[i];
      link.batch_bytes += batch[i].bytes;
    }
  }
  for (const Pending& f : batch) {
    for (const LinkId l : f.path) {
      Link& link = links_[l];
      if (link.batch_bytes == 0.0) continue;  // drained into free_at by an earlier flow
      link.free_at = std::max(link.free_at, now + link.batch_start) +
                     Time::from_seconds_ceil(link.batch_bytes / link.config.bandwidth);
      link.batch_bytes = 0.0;
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    double slowest_bandwidth = links_[batch[i].path.front()].config.bandwidth;
    Time drained = now;
    for (const LinkId l : batch[i].path) {
      slowest_bandwidth = std::min(slowest_bandwidth, links_[l].config.bandwidth);
      drained = std::max(drained, links_[l].free_at);
    }
    const Time alone =
        now + latency[i] + Time::from_seconds_ceil(batch[i].bytes / slowest_bandwidth);
    auto flow = std::make_shared<Pending>(std::move(batch[i]));
    sim_->schedule_at(std::max(alone, drained), Phase::kCompletion, [this, flow, now] {
      for (const LinkId l : flow->path) links_[l].carried += flow->bytes;
      --active_;
      flow_finished.emit(
          FlowRecord{flow->id, flow->tag, flow->bytes, now, sim_->now(), &flow->path});
      if (flow->on_done) flow->on_done();
    });
  }
}

}  // namespace moesim
