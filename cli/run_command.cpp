#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "cli/app/layer_simulation.h"
#include "cli/app/resolved_config.h"
#include "cli/app/run_report.h"
#include "cli/app/run_statistics.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/serving_bound.h"
#include "cli/app/serving_metrics_json.h"
#include "cli/app/serving_progress.h"
#include "cli/app/serving_report.h"
#include "cli/app/serving_trace_writer.h"
#include "cli/app/trace_recorder.h"
#include "cli/commands.h"
#include "cli/output_directory.h"
#include "sim/config_error.h"

namespace moesim {

namespace {

/// --out, or out/<name> (the loader made sure the name is one safe folder name).
std::string output_path(const RunOptions& options, const ScenarioConfig& cfg) {
  return options.out_dir.empty() ? "out/" + cfg.name : options.out_dir;
}

/// Builds the serving run; building only fails on inputs the loader could not check on its own
/// (a placement that does not fit the ranks), which are configuration errors.
std::unique_ptr<ServingRun> build_serving(const std::string& scenario, const ScenarioConfig& cfg,
                                          const StrategyCatalog& catalog) {
  try {
    return std::make_unique<ServingRun>(cfg, catalog);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("{}: {}", scenario, e.what()));
  }
}

/// "dir/{a, b, c}": what a run wrote, for the line after the summary.
std::string written(const OutputDirectory& out, const std::vector<std::string>& files) {
  std::string list;
  for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
  return fmt::format("{}/{{{}}}", out.final_path().string(), list);
}

int run_serving(const RunOptions& options, const ScenarioConfig& cfg,
                const StrategyCatalog& catalog) {
  const std::unique_ptr<ServingRun> built = build_serving(options.scenario, cfg, catalog);
  ServingRun& run = *built;
  // Before the run: a path moesim may not write fails at once, and an interrupt during the run
  // finds the staging to remove.
  OutputDirectory out(output_path(options, cfg));
  // The trace is written while the run goes, iteration by iteration, into the staging.
  std::ofstream trace_file;
  std::optional<ServingTraceWriter> trace;
  if (options.trace) {
    trace_file = out.open("trace.json");
    trace.emplace(run.simulation(), trace_file,
                  options.trace_iterations.value_or(ServingTraceWriter::kAllIterations));
  }
  const auto wall_start = std::chrono::steady_clock::now();
  {
    const ServingProgress progress(run.simulation(), std::cerr,
                                   !options.quiet && ServingProgress::stderr_is_terminal());
    run.run();
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  const RunBound bound = run_bound(run, true);
  const std::string summary = format_serving_summary(run) + format_run_bound(bound);
  std::vector<std::string> files{"summary.txt", "metrics.json", "requests.csv", "timeseries.csv",
                                 "layers.csv"};
  out.write("summary.txt", summary);
  out.write("metrics.json", format_serving_metrics_json(run, bound));
  out.write("requests.csv", format_requests_csv(run.simulation()));
  out.write("timeseries.csv", format_timeseries_csv(run.simulation()));
  out.write("layers.csv", format_layers_csv(run.simulation()));
  if (trace) {
    trace->finish();
    out.close(trace_file, "trace.json");
    files.push_back("trace.json");
  }
  out.write("resolved.yaml", format_resolved_config(cfg));
  files.push_back("resolved.yaml");
  out.commit();
  if (!options.quiet) {
    std::cout << summary;
    std::cout << fmt::format("\nwrote {} ({:.3f} s wall)\n", written(out, files), wall_s);
    std::cout << format_run_statistics(run, wall_s);
  }
  return 0;
}

}  // namespace

int run_command(const RunOptions& options) {
  const StrategyCatalog catalog = builtin_strategies();
  const ScenarioConfig cfg =
      load_scenario(options.scenario, catalog, command_line_overrides(options.sets, options.seed));
  if (cfg.serving) return run_serving(options, cfg, catalog);

  if (options.trace_iterations) {
    throw ConfigError(fmt::format(
        "--trace-iterations: {} is a layer scenario, whose trace has no engine iterations; it "
        "applies to serving scenarios",
        options.scenario));
  }

  std::unique_ptr<LayerSimulation> sim;
  try {
    sim = std::make_unique<LayerSimulation>(cfg, catalog);
  } catch (const std::invalid_argument& e) {
    // Building objects only fails on inputs the loader could not check on its own.
    throw ConfigError(fmt::format("{}: {}", options.scenario, e.what()));
  }
  std::optional<TraceRecorder> recorder;
  if (options.trace) recorder.emplace(*sim);
  OutputDirectory out(output_path(options, cfg));  // before the run, as in run_serving

  const auto wall_start = std::chrono::steady_clock::now();
  sim->run();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  const std::string summary = format_summary(*sim);
  std::vector<std::string> files{"summary.txt", "metrics.json"};
  out.write("summary.txt", summary);
  out.write("metrics.json", format_metrics_json(*sim));
  if (recorder) {
    std::ostringstream trace;
    recorder->trace().write(trace);
    out.write("trace.json", trace.str());
    files.push_back("trace.json");
  }
  out.write("resolved.yaml", format_resolved_config(cfg));
  files.push_back("resolved.yaml");
  out.commit();

  if (!options.quiet) {
    std::cout << summary;
    std::cout << fmt::format("\nwrote {} ({:.3f} s wall)\n", written(out, files), wall_s);
  }
  return 0;
}

}  // namespace moesim
