#include "cli/validation/serving_suite.h"

#include <cmath>

#include <fmt/format.h>

#include "models/engine/serving/serving_metrics.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kReportOnly = 0.20;

struct MeasuredRun {
  Distribution ttft_s, tpot_s, latency_s;
  double running_mean = 0, waiting_mean = 0, waiting_peak = 0, duration_s = 0;
};

MeasuredRun read_measured(const std::filesystem::path& dir) {
  MeasuredRun m;
  const CsvTable r = CsvTable::read(dir / "requests.csv");
  std::vector<double> ttft, tpot, latency;
  for (size_t i = 0; i < r.rows(); ++i) {
    ttft.push_back(r.number(i, r.column("ttft_s")));
    latency.push_back(r.number(i, r.column("latency_s")));
    if (!r.cell(i, r.column("tpot_s")).empty()) tpot.push_back(r.number(i, r.column("tpot_s")));
  }
  m.ttft_s = distribution_of(ttft);
  m.tpot_s = distribution_of(tpot);
  m.latency_s = distribution_of(latency);
  const CsvTable t = CsvTable::read(dir / "timeseries.csv");
  for (size_t i = 0; i < t.rows(); ++i) {
    m.running_mean += t.number(i, t.column("running"));
    m.waiting_mean += t.number(i, t.column("waiting"));
    m.waiting_peak = std::max(m.waiting_peak, t.number(i, t.column("waiting")));
    if (t.number(i, t.column("running")) + t.number(i, t.column("waiting")) > 0) {
      m.duration_s = t.number(i, t.column("t"));
    }
  }
  m.running_mean /= double(t.rows());
  m.waiting_mean /= double(t.rows());
  return m;
}

/// The simulated time series on the same one-second ticks, up to the measured run's last tick
/// with work, so that both means cover the same span.
void simulated_series(const ServingSimulation& sim, size_t ticks, double& running_mean,
                      double& waiting_mean, double& waiting_peak, double& duration_s) {
  running_mean = waiting_mean = waiting_peak = duration_s = 0;
  const auto& samples = sim.samples();
  for (size_t i = 0; i < ticks; ++i) {
    const double running = i < samples.size() ? double(samples[i].running) : 0.0;
    const double waiting = i < samples.size() ? double(samples[i].waiting) : 0.0;
    running_mean += running;
    waiting_mean += waiting;
    waiting_peak = std::max(waiting_peak, waiting);
  }
  for (const ServingSample& s : samples) {
    if (s.running + s.waiting > 0) duration_s = s.time.seconds();
  }
  running_mean /= double(ticks);
  waiting_mean /= double(ticks);
}

}  // namespace

ServingSuiteReport compare_serving_run(const ServingRun& run,
                                       const std::filesystem::path& measured_dir) {
  const MeasuredRun m = read_measured(measured_dir);
  const ServingSimulation& sim = run.simulation();
  const ServingSummary s = summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  const std::string target = run.config().name;

  ServingSuiteReport report;
  const auto add = [&](const std::string& metric, double measured, double simulated,
                       double threshold) {
    report.rows.push_back(ValidationRow{"serving", target, metric, measured, simulated, threshold});
  };
  add("ttft_mean_ms", 1e3 * m.ttft_s.mean, 1e3 * s.ttft_s.mean, 0.10);
  add("ttft_median_ms", 1e3 * m.ttft_s.median, 1e3 * s.ttft_s.median, 0.15);
  add("tpot_mean_ms", 1e3 * m.tpot_s.mean, 1e3 * s.tpot_s.mean, 0.03);
  add("tpot_median_ms", 1e3 * m.tpot_s.median, 1e3 * s.tpot_s.median, 0.03);
  add("tpot_p99_ms", 1e3 * m.tpot_s.p99, 1e3 * s.tpot_s.p99, 0.05);
  const size_t goal_rows = report.rows.size();
  add("ttft_p90_ms", 1e3 * m.ttft_s.p90, 1e3 * s.ttft_s.p90, kReportOnly);
  add("ttft_p99_ms", 1e3 * m.ttft_s.p99, 1e3 * s.ttft_s.p99, kReportOnly);
  add("latency_mean_ms", 1e3 * m.latency_s.mean, 1e3 * s.latency_s.mean, kReportOnly);
  add("latency_p99_ms", 1e3 * m.latency_s.p99, 1e3 * s.latency_s.p99, kReportOnly);
  double running = 0, waiting = 0, peak = 0, duration = 0;
  const auto ticks = static_cast<size_t>(std::lround(m.duration_s));
  simulated_series(sim, ticks, running, waiting, peak, duration);
  add("running_mean", m.running_mean, running, kReportOnly);
  add("waiting_mean", m.waiting_mean, waiting, kReportOnly);
  add("waiting_peak", m.waiting_peak, peak, kReportOnly);
  add("busy_duration_s", m.duration_s, duration, kReportOnly);

  report.goals_met = true;
  for (size_t i = 0; i < goal_rows; ++i)
    report.goals_met = report.goals_met && report.rows[i].pass();
  auto o = std::back_inserter(report.summary);
  fmt::format_to(o, "serving replay of {} ({} requests, {} iterations simulated)\n", target,
                 s.requests, s.iterations);
  fmt::format_to(o, "{:<18} {:>12} {:>12} {:>9} {:>7}\n", "metric", "measured", "simulated",
                 "error", "goal");
  for (size_t i = 0; i < report.rows.size(); ++i) {
    const ValidationRow& r = report.rows[i];
    fmt::format_to(
        o, "{:<18} {:>12.1f} {:>12.1f} {:>8.1f}% {:>7}\n", r.metric, r.measured, r.simulated,
        100 * r.rel_error(),
        i < goal_rows ? fmt::format("{:.0f}%{}", 100 * r.threshold, r.pass() ? "" : "!") : "-");
  }
  fmt::format_to(o, "goals (TPOT mean/median 3%, TPOT P99 5%, TTFT mean 10%, median 15%): {}\n",
                 report.goals_met ? "met" : "NOT met");
  return report;
}

std::string overhead_sensitivity(ScenarioConfig config, const StrategyCatalog& catalog,
                                 double overhead_us, const std::string& why,
                                 const std::filesystem::path& measured_dir) {
  const double stated_us = config.serving->framework_overhead_us;
  config.serving->framework_overhead_us = overhead_us;
  ServingRun run(config, catalog);
  run.run();
  const ServingSimulation& sim = run.simulation();
  const ServingSummary s = summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  const MeasuredRun m = read_measured(measured_dir);
  const auto line = [](const char* name, double measured, double simulated) {
    return fmt::format("  {:<12} {:>9.1f} ms {:>+7.1f}%\n", name, 1e3 * simulated,
                       100 * (simulated - measured) / measured);
  };
  std::string out = fmt::format(
      "sensitivity (no goal): framework_overhead {:.2f} ms instead of the stated {:.2f} ms\n"
      "  ({})\n",
      overhead_us / 1e3, stated_us / 1e3, why);
  out += line("TPOT mean", m.tpot_s.mean, s.tpot_s.mean);
  out += line("TPOT median", m.tpot_s.median, s.tpot_s.median);
  out += line("TTFT mean", m.ttft_s.mean, s.ttft_s.mean);
  out += line("TTFT median", m.ttft_s.median, s.ttft_s.median);
  return out;
}

}  // namespace moesim
