#pragma once
/// Per-system constants of collective communication, fitted on measured collectives and stored
/// in the catalogue (systems.yaml) next to the data they were fitted on.
///
/// Like NCCL, a collective runs under one of several protocols, each with its own fixed
/// latency and achieved bandwidth (NCCL's LL trades bandwidth for latency, Simple the other
/// way; NCCL picks the protocol its model predicts to be fastest for the size). The
/// communicator does the same with these constants.

#include <string>
#include <vector>

#include "sim/time.h"

namespace moesim {

struct CommProtocol {
  std::string name;  ///< "ll", "simple", ...
  /// Fixed cost of each collective under this protocol, paid once before its first step.
  Time base_latency;
  /// Fixed cost of each algorithm step (synchronisation between neighbours), paid before the
  /// step's transfers start; link latencies come on top.
  Time step_latency;
  /// Achieved fraction of link bandwidth, in (0, 1]: a transfer of B bytes puts
  /// B / efficiency bytes on the wire, so sharing between flows stays max-min fair.
  double bandwidth_efficiency = 1.0;
  /// Whether this protocol reduces in the switch (NVLink SHARP) when the collective and the
  /// machine offer it, instead of running a ring; others never do. NCCL's NVLS algorithm runs
  /// only with its Simple protocol, and NCCL prefers it to a ring where it exists.
  bool switch_reduce = true;
};

struct CommCalibration {
  /// At least one protocol. The default is an ideal one: no latency, full bandwidth.
  std::vector<CommProtocol> protocols{CommProtocol{"ideal", Time::zero(), Time::zero(), 1.0, true}};
  /// Achieved fraction of link bandwidth when the switch reduces (NVLink SHARP all-reduce).
  double switch_reduce_efficiency = 1.0;
  /// The data the constants were fitted on, for reports ("" when not fitted).
  std::string fitted_on;
};

}  // namespace moesim
