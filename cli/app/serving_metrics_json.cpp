#include "cli/app/serving_metrics_json.h"

#include <sstream>

#include "models/engine/serving/serving_metrics.h"
#include "traces/json_writer.h"

namespace moesim {
namespace {

void distribution(JsonWriter& w, std::string_view name, const Distribution& d) {
  w.key(name).begin_object();
  w.key("count").value(uint64_t{d.count});
  w.key("mean").value(d.mean).key("median").value(d.median);
  w.key("p90").value(d.p90).key("p99").value(d.p99).key("max").value(d.max);
  w.end_object();
}

void resource_times(JsonWriter& w, const ResourceTimes& t) {
  w.begin_object();
  for (size_t i = 0; i < kResourceCount; ++i) {
    if (t.seconds[i] > 0) w.key(to_string(static_cast<Resource>(i))).value(t.seconds[i]);
  }
  w.end_object();
}

}  // namespace

std::string format_serving_metrics_json(const ServingRun& run, const RunBound& bound) {
  const ScenarioConfig& c = run.config();
  const ServingSimulation& sim = run.simulation();
  const ServingSummary s = summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  std::ostringstream os;
  JsonWriter w(os);
  w.begin_object();
  w.key("moesim_version").value(MOESIM_VERSION);
  w.key("scenario").value(c.name);
  w.key("seed").value(c.seed);
  w.key("requests").value(s.requests);
  w.key("iterations").value(s.iterations);
  w.key("preemptions").value(s.preemptions);
  w.key("duration_s").value(s.duration_s);
  w.key("output_tokens_per_s").value(s.output_tokens_per_s);
  distribution(w, "ttft_s", s.ttft_s);
  distribution(w, "tpot_s", s.tpot_s);
  distribution(w, "itl_s", s.itl_s);
  distribution(w, "latency_s", s.latency_s);

  if (const auto& slo = c.serving->slo) {
    uint64_t met = 0, met_tokens = 0;
    for (const RequestMetrics& r : request_metrics(sim.requests())) {
      const bool ttft_ok = !slo->ttft || r.ttft_s <= slo->ttft->seconds();
      const bool tpot_ok = !slo->tpot || !r.has_tpot || r.tpot_s <= slo->tpot->seconds();
      if (ttft_ok && tpot_ok) {
        ++met;
        met_tokens += r.output_tokens;
      }
    }
    w.key("slo").begin_object();
    if (slo->ttft) w.key("ttft_s").value(slo->ttft->seconds());
    if (slo->tpot) w.key("tpot_s").value(slo->tpot->seconds());
    w.key("requests_met").value(met);
    w.key("fraction_met").value(s.requests > 0 ? static_cast<double>(met) / s.requests : 0.0);
    const double duration = s.duration_s > 0 ? s.duration_s : 1.0;
    w.key("goodput_requests_per_s").value(static_cast<double>(met) / duration);
    w.key("goodput_output_tokens_per_s").value(static_cast<double>(met_tokens) / duration);
    w.end_object();
  }
  const ServingBound& t = bound.throughput;
  w.key("bound").begin_object();
  w.key("output_tokens_per_s").value(t.output_tokens_per_s);
  w.key("binding").value(to_string(t.binding));
  w.key("batch").value(t.batch);
  w.key("by_resource").begin_object();
  for (size_t i = 0; i < kResourceCount; ++i) {
    w.key(to_string(static_cast<Resource>(i))).value(t.tokens_per_s[i]);  // null: no limit
  }
  w.end_object();
  w.key("fraction_of_bound").value(bound.throughput_fraction());
  w.key("mean_step_s").value(bound.achieved_step_s);
  w.key("mean_step_bound_s").value(bound.mean_step.bound());
  w.key("mean_step_binding").value(to_string(bound.mean_step.binding()));
  w.key("mean_step_by_resource");
  resource_times(w, bound.mean_step);
  w.key("step_fraction_of_bound").value(bound.step_fraction());
  w.end_object();
  w.end_object();
  return os.str();
}

}  // namespace moesim
