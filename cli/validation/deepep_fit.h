#pragma once
/// Fits the constants of one DeepEP kernel (models/comm/deepep_model.h) on measured rows.
///
/// With the link rate L = e x W fixed, a row's modelled time is linear in the rest on either
/// side of the max():
///   SM-bound:   T = latency + latency_per_hidden x hidden + (tokens x per_token + bytes / r) / S
///   link-bound: T = latency + latency_per_hidden x hidden + bytes / L
/// For each L on a grid of 0.1% of W from 2% to 100% of W, rows are given the side that is
/// slower and a weighted least-squares solve gives the constants, minimising the squared
/// relative errors; the sides are reassigned until none moves. The L whose constants give the
/// smallest sum under the full model wins (the smallest such L on ties: when no row saturates
/// the link, L is only bounded from below). A negative latency_per_hidden or per_token is
/// refitted as 0.

#include <vector>

#include "models/comm/deepep_model.h"

namespace moesim {

struct EpFitPoint {
  double measured_us = 0;
  double bytes = 0;   ///< bytes the busiest rank moves over NVLink
  double tokens = 0;  ///< tokens of the rank
  double hidden = 0;  ///< hidden size
  uint32_t sms = 0;   ///< SMs the kernel ran on
};

struct EpFit {
  EpKernelConstants constants;
  double median_abs = 0;  ///< median |rel_error| over the fit points
};

/// `per_hidden`, `per_token`: fit latency_per_hidden and per_token (normal kernels) or hold
/// them at 0 (low-latency kernels: their fit rows have one hidden size, and per_token and r
/// are not told apart on them). `nvlink_bandwidth` in bytes/s is W. Throws std::invalid_argument
/// for fewer than 4 points or when no grid point gives a positive SM copy rate.
EpFit fit_ep_kernel(const std::vector<EpFitPoint>& points, bool per_hidden, bool per_token,
                    double nvlink_bandwidth);

}  // namespace moesim
