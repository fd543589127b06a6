#pragma once
/// Fits the constants of one DeepEP kernel (models/comm/deepep_model.h) on measured rows.
///
/// With the knee k = e x W / r (in SMs) fixed, a row's modelled time is linear in the rest:
///   T = latency + latency_per_hidden x hidden + (bytes / (e x W)) x max(k / S, 1)
/// so for each k on a grid of 0.05 SMs from 1 to 200 a weighted least-squares solve gives
/// latency, latency_per_hidden and 1 / (e x W), minimising the squared relative errors. The
/// k with the smallest sum wins (the smallest such k on ties: beyond the largest S of the
/// rows the link is not seen to saturate and only r is determined). A negative
/// latency_per_hidden is refitted as 0.

#include <vector>

#include "models/comm/deepep_model.h"

namespace moesim {

struct EpFitPoint {
  double measured_us = 0;
  double bytes = 0;   ///< bytes the busiest rank moves over NVLink
  double hidden = 0;  ///< hidden size
  uint32_t sms = 0;   ///< SMs the kernel ran on
};

struct EpFit {
  EpKernelConstants constants;
  double knee_sms = 0;    ///< e x W / r
  double median_abs = 0;  ///< median |rel_error| over the fit points
};

/// `per_hidden`: fit latency_per_hidden (normal kernels) or hold it at 0. `nvlink_bandwidth`
/// in bytes/s converts the fitted bandwidth to link_efficiency. Throws std::invalid_argument
/// for fewer than 3 points or a fit without a positive bandwidth.
EpFit fit_ep_kernel(const std::vector<EpFitPoint>& points, bool per_hidden,
                    double nvlink_bandwidth);

}  // namespace moesim
