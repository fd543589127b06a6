#include "models/engine/serving/serving_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

Distribution distribution_of(std::vector<double> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  const auto quantile = [&](double q) {
    const double pos = q * double(values.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - double(lo)) * (values[hi] - values[lo]);
  };
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
  d.median = quantile(0.5);
  d.p90 = quantile(0.9);
  d.p99 = quantile(0.99);
  d.max = values.back();
  return d;
}

std::vector<RequestMetrics> request_metrics(const std::vector<ServingRequest>& requests) {
  std::vector<RequestMetrics> out;
  out.reserve(requests.size());
  for (const ServingRequest& r : requests) {
    if (!r.finished() || r.token_times.size() != r.output_tokens) {
      throw std::logic_error(fmt::format("request {} has not finished", r.id));
    }
    if (r.warmup) continue;
    RequestMetrics m;
    m.id = r.id;
    m.dp_rank = r.dp_rank;
    m.input_tokens = r.input_tokens;
    m.output_tokens = r.output_tokens;
    m.preemptions = r.preemptions;
    m.arrival_s = r.arrival.seconds();
    m.ttft_s = (r.token_times.front() - r.arrival).seconds();
    m.latency_s = (r.token_times.back() - r.arrival).seconds();
    m.has_tpot = r.output_tokens > 1;
    if (m.has_tpot) {
      m.tpot_s =
          (r.token_times.back() - r.token_times.front()).seconds() / double(r.output_tokens - 1);
    }
    out.push_back(m);
  }
  return out;
}

ServingSummary summarise(const std::vector<ServingRequest>& requests, uint64_t iterations,
                         uint64_t preemptions) {
  ServingSummary s;
  std::vector<double> ttft, tpot, latency, itl;
  double first_arrival = 1e300, last_token = 0, tokens = 0;
  const std::vector<RequestMetrics> counted = request_metrics(requests);
  for (const RequestMetrics& m : counted) {
    ttft.push_back(m.ttft_s);
    latency.push_back(m.latency_s);
    if (m.has_tpot) tpot.push_back(m.tpot_s);
    first_arrival = std::min(first_arrival, m.arrival_s);
    last_token = std::max(last_token, m.arrival_s + m.latency_s);
    tokens += m.output_tokens;
  }
  for (const ServingRequest& r : requests) {
    if (r.warmup) continue;
    for (size_t i = 1; i < r.token_times.size(); ++i) {
      itl.push_back((r.token_times[i] - r.token_times[i - 1]).seconds());
    }
  }
  s.ttft_s = distribution_of(std::move(ttft));
  s.tpot_s = distribution_of(std::move(tpot));
  s.latency_s = distribution_of(std::move(latency));
  s.itl_s = distribution_of(std::move(itl));
  s.requests = counted.size();
  s.iterations = iterations;
  s.preemptions = preemptions;
  if (!counted.empty()) {
    s.duration_s = last_token - first_arrival;
    s.output_tokens_per_s = s.duration_s > 0 ? tokens / s.duration_s : 0.0;
  }
  return s;
}

}  // namespace moesim
