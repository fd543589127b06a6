#pragma once
/// Simulates one nccl-tests style collective on a built machine: a fresh simulator and flow
/// network, the collective among the first `ranks` GPUs, and its duration.

#include <cstdint>
#include <optional>
#include <string_view>

#include <vector>

#include "models/comm/communicator.h"
#include "sim/time.h"
#include "topologies/system_config.h"

namespace moesim {

/// kSendRecv: GPU 0 sends the whole buffer to GPU 1 (a pipeline-stage hand-off).
enum class Collective : uint8_t { kAllGather, kReduceScatter, kAllReduce, kAllToAll, kSendRecv };

/// nccl-tests names: all_gather, reduce_scatter, all_reduce, alltoall (send_recv is not
/// nccl-tests' ring sendrecv, so it is not parsed).
std::optional<Collective> parse_collective(std::string_view name);
std::string_view to_string(Collective op);

/// The algorithms `op` may run on this machine: all-reduce may reduce in the switch where the
/// machine has one; everything else (and all-reduce elsewhere) runs as kRing, meaning "the
/// collective's only algorithm".
std::vector<AllReduceAlgorithm> candidate_algorithms(const SystemConfig& config,
                                                     const BuiltSystem& system, Collective op);

/// Algorithm steps: ring all-gather and reduce-scatter N-1, ring all-reduce 2(N-1), switch
/// all-reduce 1, all-to-all 1, send-receive 1.
uint32_t collective_steps(Collective op, uint32_t ranks, AllReduceAlgorithm algorithm);

/// Starts `op` over `bytes` (nccl-tests size) on `comm`; `done` runs when it ends. kSendRecv
/// sends the whole buffer from rank 0 to rank 1. Throws std::invalid_argument for a send-receive
/// in a group of fewer than two.
void issue_collective(Communicator& comm, Collective op, double bytes, AllReduceAlgorithm algorithm,
                      Communicator::Callback done);

/// Duration of `op` over `bytes` (nccl-tests size) among GPUs 0..ranks-1 of `system`; with
/// kAuto the communicator picks the algorithm as it picks the protocol. Throws
/// std::invalid_argument if the machine has fewer GPUs.
Time simulate_collective(const SystemConfig& config, const BuiltSystem& system, Collective op,
                         uint32_t ranks, double bytes, const CommCalibration& calibration,
                         AllReduceAlgorithm algorithm = AllReduceAlgorithm::kAuto);

}  // namespace moesim
