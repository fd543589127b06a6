#pragma once
/// Collective communication among a group of ranks, as flows on a network model.
///
/// Each collective is a sequence of steps run under one protocol of the calibration: the one
/// whose uncontended estimate (base latency, step latencies, path latencies, and the busiest
/// link's bytes at the protocol's bandwidth, step by step) is the shortest, as NCCL's tuner
/// picks. The collective waits that protocol's base latency once; each step waits the step
/// latency, then starts all its transfers at once as flows along topology paths (equal-cost
/// paths chosen by a hash of the endpoints); the next step starts when every transfer of the
/// step has arrived. Sizes follow nccl-tests: all_gather takes the whole output buffer,
/// reduce_scatter the whole input buffer, all_reduce and all_to_all one rank's buffer.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/network_model.h"
#include "sim/simulator.h"
#include "topologies/comm_calibration.h"
#include "topologies/topology.h"

namespace moesim {

/// bytes[i][j]: what rank i sends to rank j (the diagonal stays local and is ignored).
using ByteMatrix = std::vector<std::vector<double>>;

enum class AllReduceAlgorithm : uint8_t {
  kRing,          ///< reduce-scatter then all-gather around a ring: 2 (N-1) steps of B/N
  kSwitchReduce,  ///< the switch reduces (NVLink SHARP): B up and B down, one step
  kAuto,          ///< the faster estimate of the two (ring only without a reduction switch)
};

class Communicator {
 public:
  using Callback = std::function<void()>;

  /// `ranks[r]` is the topology vertex of rank r. `reduction_switch` is the vertex that can
  /// reduce in-network (kSwitchReduce), or Communicator::kNoSwitch. The network must have
  /// the topology's links installed. Throws std::invalid_argument for an empty group or an
  /// efficiency outside (0, 1].
  Communicator(Simulator& sim, NetworkModel& network, const Topology& topology,
               std::vector<uint32_t> ranks, CommCalibration calibration,
               uint32_t reduction_switch = kNoSwitch);

  static constexpr uint32_t kNoSwitch = UINT32_MAX;

  size_t size() const { return ranks_.size(); }

  void send(uint32_t src_rank, uint32_t dst_rank, double bytes, Callback done);
  /// Every rank sends bytes[i][j] to every other rank j directly, in one step.
  void all_to_allv(const ByteMatrix& bytes, Callback done);
  /// Two steps: inside each node of `ranks_per_node` consecutive ranks, each rank gathers what
  /// its node sends to its counterparts (same local index) on other nodes; then counterparts
  /// exchange across nodes. Throws std::invalid_argument unless ranks_per_node divides size().
  void all_to_allv_hierarchical(const ByteMatrix& bytes, uint32_t ranks_per_node, Callback done);
  /// Balanced all-to-all: each rank sends buffer_bytes / N to every rank (nccl-tests alltoall).
  void all_to_all(double buffer_bytes, Callback done);
  /// Ring all-gather of an output buffer of `total_bytes` (total / N from each rank).
  void all_gather(double total_bytes, Callback done);
  /// Ring reduce-scatter of an input buffer of `total_bytes`.
  void reduce_scatter(double total_bytes, Callback done);
  /// All-reduce of `bytes` per rank. kSwitchReduce needs a reduction switch.
  void all_reduce(double bytes, AllReduceAlgorithm algorithm, Callback done);

  /// The protocol chosen for the most recent collective ("" before the first).
  const std::string& last_protocol() const { return last_protocol_; }

  /// Flow kind carried in FlowTag::kind, for observers.
  void set_flow_kind(uint32_t kind) { flow_kind_ = kind; }

 private:
  struct Transfer {
    uint32_t src_vertex;
    uint32_t dst_vertex;
    double bytes;
    bool switch_reduced = false;  ///< runs at switch_reduce_efficiency, not the protocol's
  };
  using Steps = std::vector<std::vector<Transfer>>;
  struct Plan;

  void run(Steps steps, Callback done);
  /// Runs the candidate (algorithm) and protocol with the shortest estimate.
  void run(std::vector<Steps> candidates, Callback done);
  Steps switch_reduce_steps(double bytes) const;
  /// Uncontended estimate of `steps` under `protocol`, in seconds.
  double estimate(const Steps& steps, const CommProtocol& protocol) const;
  void start_step(const std::shared_ptr<Plan>& plan);
  Steps ring_steps(size_t count, double chunk_bytes) const;

  Simulator* sim_;
  NetworkModel* network_;
  const Topology* topology_;
  std::vector<uint32_t> ranks_;
  CommCalibration calibration_;
  uint32_t reduction_switch_;
  uint32_t flow_kind_ = 0;
  std::string last_protocol_;
};

}  // namespace moesim
