#pragma once
/// The service levels of a `plan:` block (docs/planning.md): latency statistics of TTFT and
/// TPOT, a least throughput, and goodput (a share of requests each within its own limits).

#include <optional>
#include <string>
#include <vector>

#include "models/engine/serving/serving_metrics.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// One latency target: a statistic of TTFT or TPOT over the requests at most `limit_s`.
struct LatencyTarget {
  enum class Metric { kTtft, kTpot };
  enum class Statistic { kMean, kMedian, kP90, kP99 };
  Metric metric = Metric::kTtft;
  Statistic statistic = Statistic::kP90;
  double limit_s = 0;

  std::string key() const;                         ///< its plan.slo key, e.g. "ttft_p90"
  double of(const ServingSummary& summary) const;  ///< the statistic of a run, seconds
};

/// Goodput as DistServe counts it: at least `fraction` of the requests meet both their limits
/// (a request's TTFT, and its mean TPOT; an absent limit is not checked).
struct GoodputTarget {
  std::optional<double> ttft_s, tpot_s;
  double fraction = 1.0;  ///< in (0, 1]
  /// The share of `requests` within the limits.
  double attained(const std::vector<RequestMetrics>& requests) const;
};

struct PlanSlo {
  std::vector<LatencyTarget> latency;  ///< TTFT then TPOT, each mean, median, P90, P99
  double min_output_tokens_per_s = 0;  ///< 0: no throughput target
  std::optional<GoodputTarget> goodput;

  /// The least limit of the TPOT statistics (mean, median, P90, P99), each of which is at least
  /// the decode step bound; infinity when none is given.
  double tightest_tpot_s() const;
  /// "TTFT P90 <= 2000.0 ms, TPOT P90 <= 50.0 ms, ...", for the report.
  std::string describe() const;
  /// "" when a run with `summary` and goodput share `attained` meets every target, else the
  /// first missed ("TPOT P90 61.2 ms > 50.0 ms").
  std::string missed(const ServingSummary& summary, double attained) const;
};

/// Reads `plan.slo`: `ttft_mean`, `ttft_median`, `ttft_p90`, `ttft_p99` and the same for
/// `tpot` (times above 0), `output_tokens_per_s` (above 0) and `goodput: {ttft, tpot,
/// fraction}`. ConfigError naming the key for a bad value, an unknown key, or a block that sets
/// no target.
PlanSlo read_plan_slo(YamlMap slo);

}  // namespace moesim
