#include "models/comm/communicator.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

struct Communicator::Plan {
  Steps steps;
  double efficiency = 1.0;  // of the chosen protocol
  Time step_latency;        // of the chosen protocol
  size_t next_step = 0;
  size_t pending = 0;
  Callback done;
};

Communicator::Communicator(Simulator& sim, NetworkModel& network, const Topology& topology,
                           std::vector<uint32_t> ranks, CommCalibration calibration,
                           uint32_t reduction_switch)
    : sim_(&sim),
      network_(&network),
      topology_(&topology),
      ranks_(std::move(ranks)),
      calibration_(calibration),
      reduction_switch_(reduction_switch) {
  if (ranks_.empty()) throw std::invalid_argument("a communicator needs at least one rank");
  if (calibration_.protocols.empty()) {
    throw std::invalid_argument("a communicator needs at least one protocol");
  }
  for (const CommProtocol& p : calibration_.protocols) {
    if (!(p.bandwidth_efficiency > 0.0 && p.bandwidth_efficiency <= 1.0)) {
      throw std::invalid_argument(
          fmt::format("protocol '{}': bandwidth_efficiency must lie in "
                      "(0, 1], got {}",
                      p.name, p.bandwidth_efficiency));
    }
    if (p.base_latency < Time::zero() || p.step_latency < Time::zero()) {
      throw std::invalid_argument(fmt::format("protocol '{}': a latency is negative", p.name));
    }
  }
  if (!(calibration_.switch_reduce_efficiency > 0.0 &&
        calibration_.switch_reduce_efficiency <= 1.0)) {
    throw std::invalid_argument(fmt::format("switch_reduce_efficiency must lie in (0, 1], got {}",
                                            calibration_.switch_reduce_efficiency));
  }
}

double Communicator::estimate(const Steps& steps, const CommProtocol& protocol) const {
  double total = protocol.base_latency.seconds();
  std::vector<double> load(topology_->links().size());
  for (const auto& step : steps) {
    std::fill(load.begin(), load.end(), 0.0);
    double latency = 0.0, wire = 0.0;
    for (const Transfer& t : step) {
      if (t.bytes <= 0.0 || t.src_vertex == t.dst_vertex) continue;
      const double efficiency =
          t.switch_reduced ? calibration_.switch_reduce_efficiency : protocol.bandwidth_efficiency;
      double path_latency = 0.0;
      for (const uint32_t l : topology_->flow_path(t.src_vertex, t.dst_vertex)) {
        const LinkConfig& link = topology_->links()[l].config;
        path_latency += link.latency.seconds();
        load[l] += t.bytes / efficiency;
        wire = std::max(wire, load[l] / link.bandwidth);
      }
      latency = std::max(latency, path_latency);
    }
    total += protocol.step_latency.seconds() + latency + wire;
  }
  return total;
}

void Communicator::run(Steps steps, Callback done) {
  std::vector<Steps> candidates;
  candidates.push_back(std::move(steps));
  run(std::move(candidates), std::move(done));
}

void Communicator::run(std::vector<Steps> candidates, Callback done) {
  // A protocol that may reduce in the switch does so whenever the collective offers it (NCCL
  // prefers NVLS to a ring under Simple); other protocols run the other candidates.
  std::vector<bool> switch_reduced(candidates.size(), false);
  for (size_t c = 0; c < candidates.size(); ++c) {
    for (const auto& step : candidates[c]) {
      for (const Transfer& t : step) switch_reduced[c] = switch_reduced[c] || t.switch_reduced;
    }
  }
  const bool offers_switch =
      std::find(switch_reduced.begin(), switch_reduced.end(), true) != switch_reduced.end();
  size_t best_candidate = 0;
  const CommProtocol* best = nullptr;
  double best_time = 0.0;
  for (size_t c = 0; c < candidates.size(); ++c) {
    for (const CommProtocol& p : calibration_.protocols) {
      if (switch_reduced[c] != (offers_switch && p.switch_reduce)) continue;
      const double t = estimate(candidates[c], p);
      if (best == nullptr || t < best_time) {
        best_candidate = c;
        best = &p;
        best_time = t;
      }
    }
  }
  if (best == nullptr) {
    throw std::invalid_argument("no protocol of the calibration may run this collective");
  }
  last_protocol_ = best->name;
  auto plan = std::make_shared<Plan>();
  plan->steps = std::move(candidates[best_candidate]);
  plan->efficiency = best->bandwidth_efficiency;
  plan->step_latency = best->step_latency;
  plan->done = std::move(done);
  sim_->schedule_in(best->base_latency, Phase::kDefault, [this, plan] { start_step(plan); });
}

void Communicator::start_step(const std::shared_ptr<Plan>& plan) {
  if (plan->next_step == plan->steps.size()) {
    if (plan->done) plan->done();
    return;
  }
  sim_->schedule_in(plan->step_latency, Phase::kDefault, [this, plan] {
    const std::vector<Transfer>& step = plan->steps[plan->next_step++];
    plan->pending = 1;  // guard: the step cannot end while its flows are being started
    const auto arrived = [this, plan] {
      if (--plan->pending == 0) start_step(plan);
    };
    for (const Transfer& t : step) {
      if (t.bytes <= 0.0 || t.src_vertex == t.dst_vertex) continue;
      const auto& path = topology_->flow_path(t.src_vertex, t.dst_vertex);
      ++plan->pending;
      const double efficiency =
          t.switch_reduced ? calibration_.switch_reduce_efficiency : plan->efficiency;
      network_->start_flow(path, t.bytes / efficiency,
                           FlowTag{t.src_vertex, t.dst_vertex, flow_kind_}, arrived);
    }
    arrived();
  });
}

Communicator::Steps Communicator::ring_steps(size_t count, double chunk_bytes) const {
  const size_t n = ranks_.size();
  std::vector<Transfer> step;
  for (size_t r = 0; r < n && n > 1; ++r) {
    step.push_back(Transfer{ranks_[r], ranks_[(r + 1) % n], chunk_bytes});
  }
  return Steps(count, step);
}

void Communicator::send(uint32_t src_rank, uint32_t dst_rank, double bytes, Callback done) {
  if (src_rank >= ranks_.size() || dst_rank >= ranks_.size()) {
    throw std::invalid_argument(fmt::format("send between ranks {} and {} of a group of {}",
                                            src_rank, dst_rank, ranks_.size()));
  }
  run(Steps{{Transfer{ranks_[src_rank], ranks_[dst_rank], bytes}}}, std::move(done));
}

void Communicator::all_to_allv(const ByteMatrix& bytes, Callback done) {
  const size_t n = ranks_.size();
  if (bytes.size() != n) throw std::invalid_argument("all_to_allv: matrix size differs from group");
  std::vector<Transfer> step;
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i].size() != n) throw std::invalid_argument("all_to_allv: matrix is not square");
    for (size_t j = 0; j < n; ++j) {
      if (i != j) step.push_back(Transfer{ranks_[i], ranks_[j], bytes[i][j]});
    }
  }
  run(Steps{std::move(step)}, std::move(done));
}

void Communicator::all_to_allv_hierarchical(const ByteMatrix& bytes, uint32_t ranks_per_node,
                                            Callback done) {
  const size_t n = ranks_.size();
  if (ranks_per_node == 0 || n % ranks_per_node != 0) {
    throw std::invalid_argument(fmt::format(
        "all_to_allv_hierarchical: ranks_per_node {} does not divide {} ranks", ranks_per_node, n));
  }
  if (bytes.size() != n) throw std::invalid_argument("all_to_allv: matrix size differs from group");
  const size_t nodes = n / ranks_per_node;
  auto rank = [&](size_t node, size_t local) { return node * ranks_per_node + local; };
  std::vector<Transfer> intra, inter;
  for (size_t node = 0; node < nodes; ++node) {
    for (size_t l = 0; l < ranks_per_node; ++l) {
      for (size_t peer = 0; peer < ranks_per_node; ++peer) {
        // Everything rank (node, l) sends to local index `peer` on any node goes to (node, peer)
        // first: directly if that is its destination, as staging for other nodes otherwise.
        double staged = 0.0;
        for (size_t m = 0; m < nodes; ++m) staged += bytes.at(rank(node, l)).at(rank(m, peer));
        if (peer != l)
          intra.push_back(Transfer{ranks_[rank(node, l)], ranks_[rank(node, peer)], staged});
      }
    }
  }
  for (size_t node = 0; node < nodes; ++node) {
    for (size_t m = 0; m < nodes; ++m) {
      if (m == node) continue;
      for (size_t peer = 0; peer < ranks_per_node; ++peer) {
        double across = 0.0;
        for (size_t l = 0; l < ranks_per_node; ++l) across += bytes[rank(node, l)][rank(m, peer)];
        inter.push_back(Transfer{ranks_[rank(node, peer)], ranks_[rank(m, peer)], across});
      }
    }
  }
  run(Steps{std::move(intra), std::move(inter)}, std::move(done));
}

void Communicator::all_to_all(double buffer_bytes, Callback done) {
  const size_t n = ranks_.size();
  ByteMatrix matrix(n, std::vector<double>(n, buffer_bytes / static_cast<double>(n)));
  all_to_allv(matrix, std::move(done));
}

void Communicator::all_gather(double total_bytes, Callback done) {
  const size_t n = ranks_.size();
  run(ring_steps(n - 1, total_bytes / static_cast<double>(n)), std::move(done));
}

void Communicator::reduce_scatter(double total_bytes, Callback done) {
  const size_t n = ranks_.size();
  run(ring_steps(n - 1, total_bytes / static_cast<double>(n)), std::move(done));
}

Communicator::Steps Communicator::switch_reduce_steps(double bytes) const {
  // Each rank streams its buffer up to the switch and the reduced buffer comes back down; the
  // two directions overlap (pipelined), so both are one step.
  std::vector<Transfer> step;
  for (const uint32_t v : ranks_) {
    step.push_back(Transfer{v, reduction_switch_, bytes, true});
    step.push_back(Transfer{reduction_switch_, v, bytes, true});
  }
  return Steps{std::move(step)};
}

void Communicator::all_reduce(double bytes, AllReduceAlgorithm algorithm, Callback done) {
  const size_t n = ranks_.size();
  if (algorithm != AllReduceAlgorithm::kRing && reduction_switch_ == kNoSwitch) {
    if (algorithm == AllReduceAlgorithm::kSwitchReduce) {
      throw std::invalid_argument("switch-reduced all-reduce needs a reduction switch");
    }
    algorithm = AllReduceAlgorithm::kRing;
  }
  std::vector<Steps> candidates;
  if (algorithm != AllReduceAlgorithm::kSwitchReduce) {
    candidates.push_back(ring_steps(2 * (n - 1), bytes / static_cast<double>(n)));
  }
  if (algorithm != AllReduceAlgorithm::kRing) candidates.push_back(switch_reduce_steps(bytes));
  run(std::move(candidates), std::move(done));
}

}  // namespace moesim
