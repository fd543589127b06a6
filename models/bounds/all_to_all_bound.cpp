#include "models/bounds/all_to_all_bound.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moesim {
namespace {

struct PortBytes {
  std::vector<double> up_send, up_recv, out_send, out_recv, node_leave, node_enter;
};

PortBytes port_bytes(const std::vector<std::vector<double>>& bytes,
                     const std::vector<uint32_t>& node_of_rank) {
  const size_t ranks = node_of_rank.size();
  const uint32_t nodes = *std::max_element(node_of_rank.begin(), node_of_rank.end()) + 1;
  PortBytes p{std::vector<double>(ranks), std::vector<double>(ranks), std::vector<double>(ranks),
              std::vector<double>(ranks), std::vector<double>(nodes), std::vector<double>(nodes)};
  for (size_t s = 0; s < ranks; ++s) {
    if (bytes[s].size() != ranks)
      throw std::invalid_argument("all-to-all bound: the traffic matrix must be square");
    for (size_t d = 0; d < ranks; ++d) {
      const double b = bytes[s][d];
      if (!std::isfinite(b) || b < 0)
        throw std::invalid_argument("all-to-all bound: bytes must be finite and >= 0");
      if (s == d) continue;
      if (node_of_rank[s] == node_of_rank[d]) {
        p.up_send[s] += b;
        p.up_recv[d] += b;
      } else {
        p.out_send[s] += b;
        p.out_recv[d] += b;
        p.node_leave[node_of_rank[s]] += b;
        p.node_enter[node_of_rank[d]] += b;
      }
    }
  }
  return p;
}

/// Keeps the largest of the terms offered, first offered on ties.
struct Binding {
  double seconds = 0;
  std::string name = "none";
  void offer(double bytes, double bandwidth, const std::string& what) {
    if (bytes == 0) return;
    if (bandwidth == 0)
      throw std::invalid_argument("all-to-all bound: " + what + " carries bytes at 0 bandwidth");
    if (bytes / bandwidth > seconds) {
      seconds = bytes / bandwidth;
      name = what;
    }
  }
};

}  // namespace

AllToAllBound all_to_all_lower_bound(const std::vector<std::vector<double>>& bytes,
                                     const AllToAllFabric& fabric) {
  const size_t ranks = fabric.node_of_rank.size();
  if (ranks == 0 || bytes.size() != ranks)
    throw std::invalid_argument("all-to-all bound: the matrix needs one row per rank (> 0 ranks)");
  if (!std::isfinite(fabric.scale_up_bandwidth) || fabric.scale_up_bandwidth < 0 ||
      !std::isfinite(fabric.scale_out_bandwidth) || fabric.scale_out_bandwidth < 0)
    throw std::invalid_argument("all-to-all bound: bandwidths must be finite and >= 0");
  const PortBytes p = port_bytes(bytes, fabric.node_of_rank);
  std::vector<double> gpus_in_node(p.node_leave.size());
  for (uint32_t node : fabric.node_of_rank) gpus_in_node[node] += 1;

  Binding up, out;
  for (size_t r = 0; r < ranks; ++r)
    up.offer(p.up_send[r], fabric.scale_up_bandwidth, "scale-up egress rank " + std::to_string(r));
  for (size_t r = 0; r < ranks; ++r)
    up.offer(p.up_recv[r], fabric.scale_up_bandwidth, "scale-up ingress rank " + std::to_string(r));
  for (size_t r = 0; r < ranks; ++r)
    out.offer(p.out_send[r], fabric.scale_out_bandwidth,
              "scale-out egress rank " + std::to_string(r));
  for (size_t r = 0; r < ranks; ++r)
    out.offer(p.out_recv[r], fabric.scale_out_bandwidth,
              "scale-out ingress rank " + std::to_string(r));
  for (size_t n = 0; n < p.node_leave.size(); ++n)
    out.offer(p.node_leave[n], gpus_in_node[n] * fabric.scale_out_bandwidth,
              "node " + std::to_string(n) + " egress");
  for (size_t n = 0; n < p.node_enter.size(); ++n)
    out.offer(p.node_enter[n], gpus_in_node[n] * fabric.scale_out_bandwidth,
              "node " + std::to_string(n) + " ingress");

  AllToAllBound result{up.seconds, up.name, up.seconds, out.seconds};
  if (out.seconds > up.seconds) {
    result.seconds = out.seconds;
    result.binding = out.name;
  }
  return result;
}

}  // namespace moesim
