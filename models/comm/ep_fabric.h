#pragma once
/// The expert-parallel ranks on the machine as a token exchange sees them: each rank's node,
/// and the bandwidth and latency of its path to another GPU of its node (NVLink or PCIe) and to
/// a GPU of another node (through its NIC), read from the topology, with the machine's
/// collective constants (CommCalibration).
///
/// One exchange step (every rank's transfers of an all-to-allv starting together) is timed at
/// the endpoints: a rank's scale-up port and its NIC work at once, each direction at its own
/// bandwidth, so the step's wire time is the busiest port's bytes over its bandwidth times the
/// protocol's efficiency; latency terms are the protocol's base and step latency plus the
/// longest path latency; the protocol with the shortest time is taken, as NCCL's tuner does.
/// Exact on a single switch and on non-blocking fabrics (rail-optimised, full-bisection fat
/// tree), whose switches never bind before the endpoints; an oversubscribed core is not seen
/// (the flow-level network of the layer path sees it).

#include <cstdint>
#include <vector>

#include "topologies/comm_calibration.h"
#include "topologies/topology.h"

namespace moesim {

/// Bytes each rank puts on and takes off its ports in one step.
struct StepTraffic {
  std::vector<double> intra_send, intra_recv;  ///< [rank] to and from GPUs of its node
  std::vector<double> inter_send, inter_recv;  ///< [rank] to and from other nodes

  explicit StepTraffic(uint32_t ranks = 0)
      : intra_send(ranks, 0.0),
        intra_recv(ranks, 0.0),
        inter_send(ranks, 0.0),
        inter_recv(ranks, 0.0) {}
  double total() const;        ///< bytes sent, all ranks
  double inter_total() const;  ///< bytes sent across nodes, all ranks
};

class EpFabric {
 public:
  /// `rank_gpus[r]`: the machine rank (index into topology.gpus()) of expert-parallel rank r;
  /// `gpus_per_node`: machine ranks per node (0: the whole machine is one node). Throws
  /// std::invalid_argument for a rank the machine does not have.
  EpFabric(const Topology& topology, std::vector<uint32_t> rank_gpus, uint32_t gpus_per_node,
           CommCalibration calibration);

  uint32_t ranks() const { return static_cast<uint32_t>(node_of_.size()); }
  uint32_t nodes() const { return nodes_; }
  const std::vector<uint32_t>& node_of_rank() const { return node_of_; }

  /// Microseconds of one exchange step carrying `traffic` (0 when nothing moves).
  double step_us(const StepTraffic& traffic) const;

 private:
  std::vector<uint32_t> node_of_;
  uint32_t nodes_ = 0;
  double intra_bw_ = 0, inter_bw_ = 0;                // bottleneck bandwidth of each path kind
  double intra_latency_s_ = 0, inter_latency_s_ = 0;  // summed link latencies of each path kind
  CommCalibration calibration_;
};

}  // namespace moesim
