#include "models/comm/closed_form_phase_timer.h"

#include <algorithm>
#include <stdexcept>

namespace moesim {

ClosedFormPhaseTimer::ClosedFormPhaseTimer(const BuiltSystem& system, CommCalibration calibration)
    : system_(&system),
      calibration_(std::move(calibration)),
      load_(system.topology.links().size(), 0.0) {
  if (calibration_.protocols.empty()) {
    throw std::invalid_argument("a collective model needs at least one protocol");
  }
}

std::vector<ClosedFormPhaseTimer::Plan> ClosedFormPhaseTimer::candidates(
    Collective op, const std::vector<uint32_t>& v, double bytes) const {
  const auto n = static_cast<uint32_t>(v.size());
  const auto ring = [&](uint32_t repeats, double chunk) {
    Plan p;
    p.repeats = repeats;
    for (uint32_t r = 0; r < n; ++r) p.step.push_back({v[r], v[(r + 1) % n], chunk, false});
    return p;
  };
  std::vector<Plan> plans;
  switch (op) {
    case Collective::kAllGather:
    case Collective::kReduceScatter:
      plans.push_back(ring(n - 1, bytes / n));
      break;
    case Collective::kAllReduce:
      plans.push_back(ring(2 * (n - 1), bytes / n));
      if (system_->reduction_switch != UINT32_MAX) {
        Plan p;  // up to the switch and back down, pipelined into one step
        p.repeats = 1;
        for (const uint32_t g : v) {
          p.step.push_back({g, system_->reduction_switch, bytes, true});
          p.step.push_back({system_->reduction_switch, g, bytes, true});
        }
        plans.push_back(std::move(p));
      }
      break;
    case Collective::kAllToAll: {
      Plan p;
      p.repeats = 1;
      for (uint32_t i = 0; i < n; ++i) {
        for (uint32_t j = 0; j < n; ++j) {
          if (i != j) p.step.push_back({v[i], v[j], bytes / n, false});
        }
      }
      plans.push_back(std::move(p));
      break;
    }
    case Collective::kSendRecv:
      plans.push_back(Plan{1, {{v[0], v[1], bytes, false}}, nullptr, 0.0});
      break;
  }
  return plans;
}

double ClosedFormPhaseTimer::efficiency(const Plan& plan, const Transfer& t) const {
  return t.switch_reduced ? calibration_.switch_reduce_efficiency
                          : plan.protocol->bandwidth_efficiency;
}

double ClosedFormPhaseTimer::path_latency(const Plan& plan) const {
  const Topology& topo = system_->topology;
  double longest = 0;
  for (const Transfer& t : plan.step) {
    double s = 0;
    for (const uint32_t l : topo.flow_path(t.src, t.dst))
      s += topo.links()[l].config.latency.seconds();
    longest = std::max(longest, s);
  }
  return longest;
}

void ClosedFormPhaseTimer::add_load(const Plan& plan) {
  for (const Transfer& t : plan.step) {
    const double bytes = t.bytes / efficiency(plan, t);
    for (const uint32_t l : system_->topology.flow_path(t.src, t.dst)) {
      if (load_[l] == 0.0) touched_.push_back(l);
      load_[l] += bytes;
    }
  }
}

void ClosedFormPhaseTimer::clear_load() {
  for (const uint32_t l : touched_) load_[l] = 0.0;
  touched_.clear();
}

double ClosedFormPhaseTimer::wire_seconds(const Plan& plan) const {
  const auto& links = system_->topology.links();
  double wire = 0;
  for (const Transfer& t : plan.step) {
    for (const uint32_t l : system_->topology.flow_path(t.src, t.dst)) {
      wire = std::max(wire, load_[l] / links[l].config.bandwidth);
    }
  }
  return wire;
}

ClosedFormPhaseTimer::Plan ClosedFormPhaseTimer::choose(std::vector<Plan> plans) {
  // As the Communicator chooses: a protocol that may reduce in the switch does so whenever the
  // collective offers it; the other protocols run the other algorithms.
  bool offers_switch = false;
  for (const Plan& p : plans) {
    for (const Transfer& t : p.step) offers_switch = offers_switch || t.switch_reduced;
  }
  Plan best;
  double best_time = 0;
  for (Plan& plan : plans) {
    const bool switch_reduced = !plan.step.empty() && plan.step.front().switch_reduced;
    const double latency = path_latency(plan);
    for (const CommProtocol& p : calibration_.protocols) {
      if (switch_reduced != (offers_switch && p.switch_reduce)) continue;
      plan.protocol = &p;
      add_load(plan);
      const double step = p.step_latency.seconds() + latency + wire_seconds(plan);
      clear_load();
      const double t = p.base_latency.seconds() + plan.repeats * step;
      if (best.protocol == nullptr || t < best_time) {
        best = plan;
        best.latency_s =
            p.base_latency.seconds() + plan.repeats * (p.step_latency.seconds() + latency);
        best_time = t;
      }
    }
  }
  if (best.protocol == nullptr) {
    throw std::invalid_argument("no protocol of the calibration may run this collective");
  }
  return best;
}

double ClosedFormPhaseTimer::seconds(const CollectivePhase& phase, double bytes) {
  if (bytes <= 0.0) return 0.0;
  std::vector<Plan> plans;
  for (const auto& group : phase.groups) {
    if (group.size() < 2) continue;
    std::vector<uint32_t> vertices = group_vertices(system_->topology, group);
    plans.push_back(choose(candidates(phase.op, vertices, bytes)));
  }
  for (const Plan& p : plans) add_load(p);
  double slowest = 0;
  for (const Plan& p : plans)
    slowest = std::max(slowest, p.latency_s + p.repeats * wire_seconds(p));
  clear_load();
  return slowest;
}

}  // namespace moesim
