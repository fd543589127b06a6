#pragma once
/// Fits the communication constants of one machine on measured collectives (the fit rows of
/// its nccl-tests table; see comm_suite.h for the fit/check split).
///
/// Under one protocol a collective's simulated time is linear in the constants:
///   T = base_latency[p] + steps x step_latency + L + W / efficiency[p]
/// where L (link latencies) and W (wire time at full bandwidth) come from two simulations per
/// row, and efficiency[p] is the protocol's bandwidth efficiency, or switch_reduce_efficiency
/// for a switch-reduced all-reduce. Two protocols are fitted, "ll" and "simple" (NCCL's LL and
/// Simple), by alternating least squares: each protocol is fitted on the rows it is the
/// fastest for, rows move to the protocol now fastest, until none moves. Each fit minimises
/// the squared relative errors with latencies >= 0 and efficiencies <= 1.

#include <vector>

#include "cli/validation/comm_suite.h"

namespace moesim {

CommCalibration fit_comm_calibration(const SystemConfig& config, const BuiltSystem& system,
                                     const std::vector<CommMeasurement>& rows);

}  // namespace moesim
