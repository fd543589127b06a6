#include "cli/validation/serving_suite.h"

#include "cli/validation/parallel_runs.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

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

namespace {

/// One replay's figures in the order of the suite's rows.
struct SimulatedFigures {
  ServingSummary summary;
  double running = 0, waiting = 0, peak = 0, duration = 0;
};

SimulatedFigures figures_of(const ServingRun& run, size_t ticks) {
  const ServingSimulation& sim = run.simulation();
  SimulatedFigures f;
  f.summary = summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  simulated_series(sim, ticks, f.running, f.waiting, f.peak, f.duration);
  return f;
}

}  // namespace

ServingSuiteReport compare_serving_runs(const std::vector<const ServingRun*>& runs,
                                        const std::filesystem::path& measured_dir) {
  if (runs.empty()) throw std::invalid_argument("compare_serving_runs: no replay");
  const MeasuredRun m = read_measured(measured_dir);
  const auto ticks = static_cast<size_t>(std::lround(m.duration_s));
  std::vector<SimulatedFigures> figures;
  for (const ServingRun* run : runs) figures.push_back(figures_of(*run, ticks));
  const std::string target = runs.front()->config().name;

  // The rows in order: metric, measured value, threshold, and the simulated value of a replay.
  struct RowSpec {
    const char* metric;
    double measured;
    double threshold;
    double (*simulated)(const SimulatedFigures&);
  };
  using F = const SimulatedFigures&;
  const RowSpec specs[] = {
      {"ttft_mean_ms", 1e3 * m.ttft_s.mean, 0.10, [](F f) { return 1e3 * f.summary.ttft_s.mean; }},
      {"ttft_median_ms", 1e3 * m.ttft_s.median, 0.15,
       [](F f) { return 1e3 * f.summary.ttft_s.median; }},
      {"tpot_mean_ms", 1e3 * m.tpot_s.mean, 0.03, [](F f) { return 1e3 * f.summary.tpot_s.mean; }},
      {"tpot_median_ms", 1e3 * m.tpot_s.median, 0.03,
       [](F f) { return 1e3 * f.summary.tpot_s.median; }},
      {"tpot_p99_ms", 1e3 * m.tpot_s.p99, 0.05, [](F f) { return 1e3 * f.summary.tpot_s.p99; }},
      {"ttft_p90_ms", 1e3 * m.ttft_s.p90, kReportOnly,
       [](F f) { return 1e3 * f.summary.ttft_s.p90; }},
      {"ttft_p99_ms", 1e3 * m.ttft_s.p99, kReportOnly,
       [](F f) { return 1e3 * f.summary.ttft_s.p99; }},
      {"latency_mean_ms", 1e3 * m.latency_s.mean, kReportOnly,
       [](F f) { return 1e3 * f.summary.latency_s.mean; }},
      {"latency_p99_ms", 1e3 * m.latency_s.p99, kReportOnly,
       [](F f) { return 1e3 * f.summary.latency_s.p99; }},
      {"running_mean", m.running_mean, kReportOnly, [](F f) { return f.running; }},
      {"waiting_mean", m.waiting_mean, kReportOnly, [](F f) { return f.waiting; }},
      {"waiting_peak", m.waiting_peak, kReportOnly, [](F f) { return f.peak; }},
      {"busy_duration_s", m.duration_s, kReportOnly, [](F f) { return f.duration; }},
  };
  const auto goal_rows =
      static_cast<size_t>(std::count_if(std::begin(specs), std::end(specs), [](const RowSpec& r) {
        return r.threshold < kReportOnly;
      }));

  ServingSuiteReport report;
  // Each row's simulated value is the mean over the replays; `spread` keeps the lowest and
  // highest relative error of a single replay for the range column.
  std::vector<std::pair<double, double>> spread;
  for (const RowSpec& spec : specs) {
    double sum = 0, lo = 0, hi = 0;
    for (size_t i = 0; i < figures.size(); ++i) {
      const double v = spec.simulated(figures[i]);
      const double e = (v - spec.measured) / spec.measured;
      sum += v;
      lo = i == 0 ? e : std::min(lo, e);
      hi = i == 0 ? e : std::max(hi, e);
    }
    report.rows.push_back(ValidationRow{"serving", target, spec.metric, spec.measured,
                                        sum / double(figures.size()), spec.threshold});
    spread.emplace_back(lo, hi);
  }

  report.goals_met = true;
  for (size_t i = 0; i < goal_rows; ++i)
    report.goals_met = report.goals_met && report.rows[i].pass();
  auto o = std::back_inserter(report.summary);
  const uint64_t first_seed = runs.front()->config().seed;
  fmt::format_to(o,
                 "serving replay of {} ({} requests, {} iterations simulated at seed {})\n"
                 "simulated: the mean over {} routing seeds ({} to {}); range: each seed's error\n",
                 target, figures.front().summary.requests, figures.front().summary.iterations,
                 first_seed, runs.size(), first_seed, runs.back()->config().seed);
  fmt::format_to(o, "{:<18} {:>12} {:>12} {:>9} {:>17} {:>7}\n", "metric", "measured", "simulated",
                 "error", "range", "goal");
  for (size_t i = 0; i < report.rows.size(); ++i) {
    const ValidationRow& r = report.rows[i];
    fmt::format_to(
        o, "{:<18} {:>12.1f} {:>12.1f} {:>8.1f}% {:>7.1f}% to {:>5.1f}% {:>7}\n", r.metric,
        r.measured, r.simulated, 100 * r.rel_error(), 100 * spread[i].first, 100 * spread[i].second,
        i < goal_rows ? fmt::format("{:.0f}%{}", 100 * r.threshold, r.pass() ? "" : "!") : "-");
  }
  fmt::format_to(o,
                 "goals (on the seed mean: TPOT mean/median 3%, TPOT P99 5%, TTFT mean 10%, "
                 "median 15%): {}\n",
                 report.goals_met ? "met" : "NOT met");
  return report;
}

std::vector<std::unique_ptr<ServingRun>> run_seeded_replays(const ScenarioConfig& config,
                                                            const StrategyCatalog& catalog,
                                                            size_t seeds) {
  std::vector<std::unique_ptr<ServingRun>> runs(seeds);
  run_in_parallel(seeds, [&](size_t i) {
    ScenarioConfig seeded = config;
    seeded.seed = config.seed + i;
    auto run = std::make_unique<ServingRun>(seeded, catalog);
    run->run();
    runs[i] = std::move(run);
  });
  return runs;
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
