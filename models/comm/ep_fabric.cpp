#include "models/comm/ep_fabric.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {
namespace {

struct PathFigures {
  double bandwidth = std::numeric_limits<double>::infinity();  // the slowest link's
  double latency_s = 0;                                        // summed over the links
};

PathFigures path_figures(const Topology& topology, uint32_t from_gpu, uint32_t to_gpu) {
  PathFigures f;
  const auto& gpus = topology.gpus();
  for (const uint32_t link : topology.flow_path(gpus[from_gpu], gpus[to_gpu])) {
    const LinkConfig& c = topology.links()[link].config;
    f.bandwidth = std::min(f.bandwidth, c.bandwidth);
    f.latency_s += c.latency.seconds();
  }
  return f;
}

double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

}  // namespace

double StepTraffic::total() const {
  return sum(intra_send) + sum(inter_send);
}
double StepTraffic::inter_total() const {
  return sum(inter_send);
}

EpFabric::EpFabric(const Topology& topology, std::vector<uint32_t> rank_gpus,
                   uint32_t gpus_per_node, CommCalibration calibration)
    : calibration_(std::move(calibration)) {
  const auto machine = static_cast<uint32_t>(topology.gpus().size());
  if (rank_gpus.empty()) throw std::invalid_argument("ep fabric: no expert-parallel ranks");
  const uint32_t per_node = gpus_per_node == 0 ? machine : gpus_per_node;
  for (const uint32_t g : rank_gpus) {
    if (g >= machine) {
      throw std::invalid_argument(
          fmt::format("ep fabric: GPU {} asked for, the machine has {}", g, machine));
    }
  }
  // Nodes numbered densely in the order the ranks meet them.
  std::vector<uint32_t> dense(machine / per_node + 1, UINT32_MAX);
  for (const uint32_t g : rank_gpus) {
    uint32_t& n = dense[g / per_node];
    if (n == UINT32_MAX) n = nodes_++;
    node_of_.push_back(n);
  }
  // One path of each kind from the first rank: every GPU of a node has the same ports.
  const uint32_t first = rank_gpus.front();
  const uint32_t node_start = first / per_node * per_node;
  if (per_node > 1) {
    const uint32_t peer = first + 1 < node_start + per_node ? first + 1 : node_start;
    if (peer != first && peer < machine) {
      const PathFigures f = path_figures(topology, first, peer);
      intra_bw_ = f.bandwidth;
      intra_latency_s_ = f.latency_s;
    }
  }
  if (machine > per_node) {
    const uint32_t other = (first + per_node) % machine;  // the same local GPU, the next node
    const PathFigures f = path_figures(topology, first, other);
    inter_bw_ = f.bandwidth;
    inter_latency_s_ = f.latency_s;
  }
}

double EpFabric::step_us(const StepTraffic& t) const {
  double intra_bytes = 0, inter_bytes = 0;  // the busiest port of each kind, one direction
  for (size_t r = 0; r < t.intra_send.size(); ++r) {
    intra_bytes = std::max({intra_bytes, t.intra_send[r], t.intra_recv[r]});
    inter_bytes = std::max({inter_bytes, t.inter_send[r], t.inter_recv[r]});
  }
  const bool intra = intra_bytes > 0, inter = inter_bytes > 0;
  if (!intra && !inter) return 0.0;
  if ((intra && intra_bw_ <= 0) || (inter && inter_bw_ <= 0)) {
    throw std::logic_error("ep fabric: traffic on a path kind the machine does not have");
  }
  const double latency_s = std::max(intra ? intra_latency_s_ : 0.0, inter ? inter_latency_s_ : 0.0);
  double best = std::numeric_limits<double>::infinity();
  for (const CommProtocol& p : calibration_.protocols) {
    const double wire_s =
        std::max(intra ? intra_bytes / (intra_bw_ * p.bandwidth_efficiency) : 0.0,
                 inter ? inter_bytes / (inter_bw_ * p.bandwidth_efficiency) : 0.0);
    const double s = p.base_latency.seconds() + p.step_latency.seconds() + latency_s + wire_s;
    best = std::min(best, s);
  }
  return best * 1e6;
}

}  // namespace moesim
