#pragma once
/// Per-request latency metrics of a finished serving simulation, with the definitions of the
/// measured run (../shared/data/llmservingsim-qwen3moe): TTFT = first token - arrival,
/// TPOT = (last token - first token) / (output tokens - 1), latency = last token - arrival.

#include <string>
#include <vector>

#include "models/engine/serving/serving_request.h"

namespace moesim {

struct RequestMetrics {
  uint64_t id = 0;
  uint32_t dp_rank = 0, input_tokens = 0, output_tokens = 0, preemptions = 0;
  double arrival_s = 0, ttft_s = 0, tpot_s = 0, latency_s = 0;
  bool has_tpot = false;  ///< false for one-token outputs, which have no TPOT
};

struct Distribution {
  size_t count = 0;
  double mean = 0, median = 0, p90 = 0, p99 = 0, max = 0;
};

/// Percentiles by linear interpolation between order statistics (numpy's default), so they
/// compare with figures computed that way from the measured run.
Distribution distribution_of(std::vector<double> values);

/// The metrics of every request but the warm-up ones (ServingRequest::warmup). Throws
/// std::logic_error if a request has not finished.
std::vector<RequestMetrics> request_metrics(const std::vector<ServingRequest>& requests);

struct ServingSummary {
  Distribution ttft_s, tpot_s, latency_s, itl_s;
  double duration_s = 0;           ///< first arrival to last token
  double output_tokens_per_s = 0;  ///< generated tokens / duration
  uint64_t requests = 0, preemptions = 0, iterations = 0;
};

ServingSummary summarise(const std::vector<ServingRequest>& requests, uint64_t iterations,
                         uint64_t preemptions);

}  // namespace moesim
