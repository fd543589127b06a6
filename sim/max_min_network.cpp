#include "sim/max_min_network.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

LinkId MaxMinNetwork::add_link(const LinkConfig& config) {
  check_link_config(config);
  for (const Link& l : links_) {
    if (l.config.name == config.name) {
      throw std::invalid_argument(fmt::format("duplicate link name '{}'", config.name));
    }
  }
  links_.push_back(Link{config, {}, 0.0, 0, 0});
  return static_cast<LinkId>(links_.size() - 1);
}

uint64_t MaxMinNetwork::start_flow(const std::vector<LinkId>& path, double bytes, FlowTag tag,
                                   std::function<void()> on_done) {
  if (path.empty()) throw std::invalid_argument("a flow needs a path of at least one link");
  if (!(bytes >= 0.0) || !std::isfinite(bytes)) {
    throw std::invalid_argument(
        fmt::format("flow size must be a finite number >= 0, got {}", bytes));
  }
  Time latency = Time::zero();
  for (const LinkId l : path) {
    if (l >= links_.size()) throw std::invalid_argument(fmt::format("unknown link id {}", l));
    latency += links_[l].config.latency;
  }
  uint32_t slot;
  if (free_flows_.empty()) {
    slot = static_cast<uint32_t>(flows_.size());
    flows_.emplace_back();
  } else {
    slot = free_flows_.back();
    free_flows_.pop_back();
  }
  Flow& f = flows_[slot];
  f.path = path;
  f.pos_in_link.assign(path.size(), 0);
  f.on_done = std::move(on_done);
  f.tag = tag;
  f.id = next_flow_id_++;
  f.bytes = bytes;
  f.remaining = bytes;
  f.rate = 0.0;
  f.created = sim_->now();
  f.last_update = sim_->now();
  f.state = State::kLatency;
  ++live_flows_;
  // Activation is always an event, even after zero latency, so that completion callbacks
  // never run inside start_flow.
  sim_->schedule_in(latency, Phase::kDefault, [this, slot] { activate(slot); });
  return f.id;
}

double MaxMinNetwork::rate_of(uint64_t flow_id) const {
  for (const Flow& f : flows_) {
    if (f.state == State::kActive && f.id == flow_id) return f.rate;
  }
  return 0.0;
}

void MaxMinNetwork::activate(uint32_t slot) {
  Flow& f = flows_[slot];
  f.last_update = sim_->now();
  if (f.bytes == 0.0) {
    finish(slot);
    return;
  }
  attach(slot);
  f.state = State::kActive;
  request_rerate();
}

void MaxMinNetwork::attach(uint32_t slot) {
  Flow& f = flows_[slot];
  for (size_t i = 0; i < f.path.size(); ++i) {
    Link& l = links_[f.path[i]];
    f.pos_in_link[i] = static_cast<uint32_t>(l.flows.size());
    l.flows.push_back(slot);
    dirty_links_.push_back(f.path[i]);
  }
}

void MaxMinNetwork::detach(uint32_t slot) {
  Flow& f = flows_[slot];
  for (size_t i = 0; i < f.path.size(); ++i) {
    const LinkId lid = f.path[i];
    Link& l = links_[lid];
    const uint32_t pos = f.pos_in_link[i];
    const auto last = static_cast<uint32_t>(l.flows.size() - 1);
    const uint32_t moved = l.flows[last];
    l.flows[pos] = moved;
    l.flows.pop_back();
    // Tell the moved entry where it now sits. A path may cross this link more than once (the
    // moved flow may even be this one), so update only the entry that was at `last`.
    Flow& m = flows_[moved];
    for (size_t j = 0; j < m.path.size(); ++j) {
      if (m.path[j] == lid && m.pos_in_link[j] == last) m.pos_in_link[j] = pos;
    }
    l.carried += f.bytes;
    dirty_links_.push_back(lid);
  }
}

void MaxMinNetwork::finish(uint32_t slot) {
  Flow& f = flows_[slot];
  if (f.state == State::kActive) {
    detach(slot);
    request_rerate();
  }
  f.state = State::kFree;
  due_.erase(slot);
  --live_flows_;
  if (flow_finished.connected()) {
    flow_finished.emit(FlowRecord{f.id, f.tag, f.bytes, f.created, sim_->now(), &f.path});
  }
  std::function<void()> done = std::move(f.on_done);
  f.on_done = nullptr;
  free_flows_.push_back(slot);
  if (done) done();
}

void MaxMinNetwork::request_rerate() {
  if (rerate_pending_) return;
  rerate_pending_ = true;
  sim_->schedule_at(sim_->now(), Phase::kNetworkUpdate, [this] { rerate(); });
}

void MaxMinNetwork::rerate() {
  rerate_pending_ = false;
  ++epoch_;
  const Time now = sim_->now();

  // The connected component of the changed links: links -> active flows -> their links.
  component_flows_.clear();
  component_links_.clear();
  for (const LinkId l : dirty_links_) {
    if (links_[l].mark != epoch_) {
      links_[l].mark = epoch_;
      component_links_.push_back(l);
    }
  }
  dirty_links_.clear();
  for (size_t i = 0; i < component_links_.size(); ++i) {
    for (const uint32_t slot : links_[component_links_[i]].flows) {
      Flow& f = flows_[slot];
      if (f.mark == epoch_) continue;
      f.mark = epoch_;
      component_flows_.push_back(slot);
      for (const LinkId l : f.path) {
        if (links_[l].mark != epoch_) {
          links_[l].mark = epoch_;
          component_links_.push_back(l);
        }
      }
    }
  }
  if (component_flows_.empty()) return;

  problem_.clear();
  for (size_t i = 0; i < component_links_.size(); ++i) {
    Link& l = links_[component_links_[i]];
    l.local = static_cast<uint32_t>(i);
    problem_.capacity.push_back(l.config.bandwidth);
  }
  for (const uint32_t slot : component_flows_) {
    Flow& f = flows_[slot];
    // Drain at the old rate up to now.
    f.remaining = std::max(0.0, f.remaining - f.rate * (now - f.last_update).seconds());
    f.last_update = now;
    local_path_.clear();
    for (const LinkId l : f.path) local_path_.push_back(links_[l].local);
    problem_.add_flow(local_path_);
  }
  solver_.solve(problem_, rates_);

  for (size_t i = 0; i < component_flows_.size(); ++i) {
    const uint32_t slot = component_flows_[i];
    Flow& f = flows_[slot];
    f.rate = rates_[i];
    if (!(f.rate > 0.0)) throw std::logic_error("max-min solver gave a flow no bandwidth");
    const Time finish_at = now + Time::from_seconds_ceil(f.remaining / f.rate);
    due_.set(slot, finish_at.picoseconds());
  }
  flows_rerated_ += component_flows_.size();
  arm_wakeup();
}

void MaxMinNetwork::complete_due() {
  wakeup_ = EventId{};
  wakeup_time_ = Time::max();
  const int64_t now = sim_->now().picoseconds();
  // finish() erases the flow from due_; callbacks may start flows but never finish one here.
  while (!due_.empty() && due_.top_deadline() <= now) finish(due_.top_item());
  arm_wakeup();
}

void MaxMinNetwork::arm_wakeup() {
  const Time next = due_.empty() ? Time::max() : Time::ps(due_.top_deadline());
  if (next == wakeup_time_) return;
  sim_->cancel(wakeup_);
  wakeup_ = EventId{};
  wakeup_time_ = next;
  if (next != Time::max()) {
    wakeup_ = sim_->schedule_at(next, Phase::kCompletion, [this] { complete_due(); });
  }
}

}  // namespace moesim
