#include "cli/validation/routing_suite.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/rng.h"
#include "traces/calibration/measured_routing.h"
#include "traces/metrics/crosslayer_predictability.h"
#include "traces/metrics/layer_load_stats.h"
#include "traces/synthetic/calibrated_routing.h"
#include "traces/trace_generator.h"

namespace moesim {
namespace {

std::vector<uint32_t> coverage_sizes(uint32_t experts) {
  return experts == 8 ? std::vector<uint32_t>{4} : std::vector<uint32_t>{16, 32};
}

}  // namespace

RoutingSuiteReport run_routing_suite(const std::filesystem::path& stats_dir,
                                     const RoutingSuiteOptions& options) {
  const auto all = load_measured_routing(stats_dir);
  RoutingSuiteReport report;
  for (const auto& [model, domains] : measured_routing_catalogue()) {
    const size_t first_row = report.rows.size();
    for (const std::string& domain : domains) {
      const MeasuredRouting& m = all.at({model, domain});
      RngStreams streams(options.seed);
      auto generator = make_calibrated_routing(m, {}, streams.stream("routing"),
                                               streams.stream("routing.calibration"));
      TraceGenerator trace(*generator, m.layers);
      RoutingBatch records;
      trace.generate(
          TraceGenerator::prefill_tokens(0, options.requests, options.tokens_per_request), records);

      LayerLoadStats loads(m.num_experts);
      CrossLayerPredictability cross(m.num_experts, {{0, 7}, {7, 15}, {0, 15}});
      for (size_t i = 0; i < records.size(); ++i) {
        const RoutingRecordView r = records.record(i);
        loads.add(r.layer, r.experts);
        cross.add(r);
      }
      const auto add = [&](const std::string& target, const std::string& metric, double measured,
                           double simulated) {
        report.rows.push_back({"routing", fmt::format("{}/{}/{}", model, domain, target), metric,
                               measured, simulated, options.threshold});
      };
      for (const auto& [layer, measured_loads] : m.topk_load) {
        const auto generated = loads.loads(layer);
        const std::vector<double> g(generated.begin(), generated.end());
        add(fmt::format("layer{}", layer), "max_over_mean_load",
            summarise_loads(measured_loads).max_over_mean, summarise_loads(g).max_over_mean);
        const auto measured_curve = coverage_curve(measured_loads);
        const auto generated_curve = coverage_curve(g);
        for (const uint32_t c : coverage_sizes(m.num_experts)) {
          add(fmt::format("layer{}", layer), fmt::format("top{}_coverage", c),
              measured_curve[c - 1], generated_curve[c - 1]);
        }
      }
      std::string predictions;
      for (size_t p = 0; p < cross.pairs().size(); ++p) {
        const auto [i, j] = cross.pairs()[p];
        const Predictability g = predictability_from_counts(cross.top1_counts(p), m.num_experts);
        const MeasuredLayerPair* measured = nullptr;
        for (const MeasuredLayerPair& pair : m.pairs) {
          if (pair.from == i && pair.to == j && !pair.top1.empty()) measured = &pair;
        }
        if (measured == nullptr) {
          predictions += fmt::format(" {}->{} {:.3f} (base {:.3f}, not measured)", i, j, g.accuracy,
                                     g.baseline);
          continue;
        }
        const Predictability mp = predictability_from_counts(measured->top1, m.num_experts);
        const std::string target = fmt::format("layers{}-{}", i, j);
        add(target, "top1_predictability", mp.accuracy, g.accuracy);
        add(target, "top1_marginal_baseline", mp.baseline, g.baseline);
      }
      if (!predictions.empty()) {
        report.summary += fmt::format("{}/{} generated:{}\n", model, domain, predictions);
      }
    }
    std::vector<const ValidationRow*> mine;
    for (size_t i = first_row; i < report.rows.size(); ++i) mine.push_back(&report.rows[i]);
    const ErrorSummary s = summarise_errors(mine);
    size_t passed = 0;
    for (const ValidationRow* r : mine) passed += r->pass() ? 1 : 0;
    report.summary += fmt::format(
        "{}: {} rows, median |e| {:.1f}%, P90 {:.1f}%, {} within {:.0f}%\n", model, s.count,
        100.0 * s.median_abs, 100.0 * s.p90_abs, passed, 100.0 * options.threshold);
  }
  report.goals_met = true;
  for (const ValidationRow& r : report.rows) report.goals_met = report.goals_met && r.pass();
  return report;
}

}  // namespace moesim
