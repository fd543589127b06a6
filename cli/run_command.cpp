#include <chrono>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output_directory.h"
#include "cli/resolved_config.h"
#include "cli/run_report.h"
#include "cli/scenario_loader.h"
#include "cli/trace_recorder.h"
#include "models/layer_simulation.h"
#include "sim/config_error.h"

namespace moesim {

int run_command(const RunOptions& options) {
  const StrategyCatalog catalog = builtin_strategies();
  ScenarioConfig cfg = load_scenario(options.scenario, catalog);
  if (options.seed) cfg.seed = *options.seed;

  std::unique_ptr<LayerSimulation> sim;
  try {
    sim = std::make_unique<LayerSimulation>(cfg, catalog);
  } catch (const std::invalid_argument& e) {
    // Building objects only fails on inputs the loader could not check on its own.
    throw ConfigError(fmt::format("{}: {}", options.scenario, e.what()));
  }
  TraceRecorder recorder(*sim);

  const auto wall_start = std::chrono::steady_clock::now();
  sim->run();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  const std::string out_dir = options.out_dir.empty() ? "out/" + cfg.name : options.out_dir;
  OutputDirectory out(out_dir);
  const std::string summary = format_summary(*sim);
  out.write("summary.txt", summary);
  out.write("metrics.json", format_metrics_json(*sim));
  out.write("resolved.yaml", format_resolved_config(cfg));
  std::ostringstream trace;
  recorder.trace().write(trace);
  out.write("trace.json", trace.str());
  out.commit();

  if (!options.quiet) {
    std::cout << summary;
    std::cout << fmt::format(
        "\nwrote {}/{{summary.txt, metrics.json, trace.json, resolved.yaml}} "
        "({:.3f} s wall)\n",
        out.final_path().string(), wall_s);
  }
  return 0;
}

}  // namespace moesim
