#pragma once
/// A phase of collective communication: one collective run at the same moment by several
/// disjoint groups of GPUs (the tensor-parallel all-reduces of every replica, the data-parallel
/// gathers of every TP rank, every replica's pipeline hand-off), timed together on one machine
/// so that groups sharing a link slow each other down.

#include <cstdint>
#include <vector>

#include "models/comm/collective_simulation.h"
#include "topologies/topology.h"

namespace moesim {

struct CollectivePhase {
  Collective op = Collective::kAllGather;
  /// Machine ranks (indices into topology.gpus()) of each group; kSendRecv: {sender, receiver}.
  std::vector<std::vector<uint32_t>> groups;
};

/// The topology vertices of a group's machine ranks. Throws std::invalid_argument for a rank
/// the machine does not have.
std::vector<uint32_t> group_vertices(const Topology& topology, const std::vector<uint32_t>& group);

class PhaseTimer {
 public:
  virtual ~PhaseTimer() = default;
  /// Seconds from the phase's start until its last group finishes, with `bytes` the size of
  /// every group's collective (nccl-tests sizes; the message of a send). Groups of one GPU and
  /// bytes <= 0 take no time.
  virtual double seconds(const CollectivePhase& phase, double bytes) = 0;
};

}  // namespace moesim
