#include "cli/app/plan_slo.h"

#include <algorithm>
#include <array>
#include <limits>

#include <fmt/format.h>

namespace moesim {
namespace {

using Metric = LatencyTarget::Metric;
using Statistic = LatencyTarget::Statistic;

constexpr std::array<Statistic, 4> kStatistics{Statistic::kMean, Statistic::kMedian,
                                               Statistic::kP90, Statistic::kP99};

std::string_view statistic_name(Statistic s) {
  switch (s) {
    case Statistic::kMean:
      return "mean";
    case Statistic::kMedian:
      return "median";
    case Statistic::kP90:
      return "p90";
    case Statistic::kP99:
      return "p99";
  }
  return "?";
}

/// "TTFT P90" for messages.
std::string label(const LatencyTarget& t) {
  std::string stat(statistic_name(t.statistic));
  if (t.statistic == Statistic::kP90 || t.statistic == Statistic::kP99) stat[0] = 'P';
  return fmt::format("{} {}", t.metric == Metric::kTtft ? "TTFT" : "TPOT", stat);
}

std::string milliseconds(double s) {
  return fmt::format("{:.1f} ms", s * 1e3);
}

}  // namespace

std::string LatencyTarget::key() const {
  return fmt::format("{}_{}", metric == Metric::kTtft ? "ttft" : "tpot", statistic_name(statistic));
}

double LatencyTarget::of(const ServingSummary& summary) const {
  const Distribution& d = metric == Metric::kTtft ? summary.ttft_s : summary.tpot_s;
  switch (statistic) {
    case Statistic::kMean:
      return d.mean;
    case Statistic::kMedian:
      return d.median;
    case Statistic::kP90:
      return d.p90;
    case Statistic::kP99:
      return d.p99;
  }
  return d.max;
}

double GoodputTarget::attained(const std::vector<RequestMetrics>& requests) const {
  if (requests.empty()) return 0.0;
  size_t met = 0;
  for (const RequestMetrics& r : requests) {
    const bool ttft_ok = !ttft_s || r.ttft_s <= *ttft_s;
    const bool tpot_ok = !tpot_s || !r.has_tpot || r.tpot_s <= *tpot_s;
    if (ttft_ok && tpot_ok) ++met;
  }
  return static_cast<double>(met) / static_cast<double>(requests.size());
}

double PlanSlo::tightest_tpot_s() const {
  double least = std::numeric_limits<double>::infinity();
  // Goodput's limit is left out: requests of one output token count as within it.
  for (const LatencyTarget& t : latency) {
    if (t.metric == Metric::kTpot) least = std::min(least, t.limit_s);
  }
  return least;
}

std::string PlanSlo::describe() const {
  std::string text;
  const auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  for (const LatencyTarget& t : latency)
    add(fmt::format("{} <= {}", label(t), milliseconds(t.limit_s)));
  if (min_output_tokens_per_s > 0) {
    add(fmt::format("output >= {:g} tok/s", min_output_tokens_per_s));
  }
  if (goodput) {
    std::string limits;
    if (goodput->ttft_s) limits += "TTFT <= " + milliseconds(*goodput->ttft_s);
    if (goodput->tpot_s) {
      limits += (limits.empty() ? "" : " and ") + ("TPOT <= " + milliseconds(*goodput->tpot_s));
    }
    add(fmt::format("goodput >= {:g}% of requests within {}", goodput->fraction * 100, limits));
  }
  return text;
}

std::string PlanSlo::missed(const ServingSummary& summary, double attained) const {
  for (const LatencyTarget& t : latency) {
    const double value = t.of(summary);
    if (value > t.limit_s) {
      return fmt::format("{} {} > {}", label(t), milliseconds(value), milliseconds(t.limit_s));
    }
  }
  if (summary.output_tokens_per_s < min_output_tokens_per_s) {
    return fmt::format("output {:.1f} tok/s < {:g}", summary.output_tokens_per_s,
                       min_output_tokens_per_s);
  }
  if (goodput && attained < goodput->fraction) {
    return fmt::format("goodput {:.1f}% < {:g}% of requests", attained * 100,
                       goodput->fraction * 100);
  }
  return "";
}

PlanSlo read_plan_slo(YamlMap slo) {
  PlanSlo spec;
  for (const Metric metric : {Metric::kTtft, Metric::kTpot}) {
    for (const Statistic statistic : kStatistics) {
      LatencyTarget target{metric, statistic, 0};
      const std::string key = target.key();
      if (!slo.has(key)) continue;
      target.limit_s = slo.get_time(key).seconds();
      if (target.limit_s <= 0) slo.fail(key, "must be above 0");
      spec.latency.push_back(target);
    }
  }
  if (slo.has("output_tokens_per_s")) {
    spec.min_output_tokens_per_s = slo.get_double("output_tokens_per_s", 1e-9, 1e15);
  }
  if (slo.has("goodput")) {
    YamlMap g = slo.get_map("goodput");
    GoodputTarget goodput;
    if (g.has("ttft")) goodput.ttft_s = g.get_time("ttft").seconds();
    if (g.has("tpot")) goodput.tpot_s = g.get_time("tpot").seconds();
    if (!goodput.ttft_s && !goodput.tpot_s) g.fail_here("expected ttft, tpot or both");
    if (goodput.ttft_s && *goodput.ttft_s <= 0) g.fail("ttft", "must be above 0");
    if (goodput.tpot_s && *goodput.tpot_s <= 0) g.fail("tpot", "must be above 0");
    goodput.fraction = g.get_double("fraction", 1e-9, 1.0);
    g.finish();
    spec.goodput = goodput;
  }
  slo.finish();  // an unknown key first: a misspelt target is named as such
  if (spec.latency.empty() && spec.min_output_tokens_per_s == 0 && !spec.goodput) {
    slo.fail_here(
        "expected at least one target: ttft_/tpot_ mean, median, p90 or p99, "
        "output_tokens_per_s, or goodput");
  }
  return spec;
}

}  // namespace moesim
