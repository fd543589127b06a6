#pragma once
/// Lower bound on the time of one all-to-all exchange from its traffic matrix, on a two-tier
/// fabric: GPUs of a node share a scale-up fabric (NVLink), each GPU has its own scale-out NIC.
/// No schedule can finish before the busiest port or cut has moved its bytes:
/// * scale-up: each rank's bytes sent to (received from) other ranks of its node / scale-up
///   bandwidth;
/// * scale-out: each rank's bytes sent to (received from) other nodes / scale-out bandwidth;
/// * node cut: each node's bytes leaving (entering) it / (GPUs in the node x scale-out
///   bandwidth).
/// The per-rank scale-out term assumes every GPU's off-node bytes use its own NIC; with
/// forwarding through a peer's NIC (NCCL PXN) only the node cut remains a valid bound. Self
/// traffic is free. Bandwidth conventions follow NCCL (per GPU, each way), see NVIDIA/nccl-tests
/// issues #130, #212, #290.

#include <cstdint>
#include <string>
#include <vector>

namespace moesim {

struct AllToAllFabric {
  std::vector<uint32_t> node_of_rank;  ///< node index of each rank
  double scale_up_bandwidth = 0;       ///< per GPU each way, bytes/s
  double scale_out_bandwidth = 0;      ///< per GPU NIC each way, bytes/s
};

struct AllToAllBound {
  double seconds = 0;  ///< max(scale_up_s, scale_out_s)
  /// The binding term: "scale-up egress rank r", "scale-up ingress rank r", "scale-out egress
  /// rank r", "scale-out ingress rank r", "node n egress", "node n ingress"; "none" when no
  /// bytes move. Ties go to the first in that order, lower index first.
  std::string binding;
  double scale_up_s = 0;   ///< the largest scale-up term, seconds
  double scale_out_s = 0;  ///< the largest scale-out term (rank or node cut), seconds
};

/// The bound for `bytes[src][dst]`. Throws std::invalid_argument when the matrix is not square
/// of the fabric's rank count, holds negative or non-finite bytes, or a bandwidth is negative,
/// or zero while bytes need it.
AllToAllBound all_to_all_lower_bound(const std::vector<std::vector<double>>& bytes,
                                     const AllToAllFabric& fabric);

}  // namespace moesim
