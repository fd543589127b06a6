// `moesim plot PATH`: plots of a run directory (latency CDFs, per-rank load heatmap, the run
// against its bound) or of a sweep's results.csv (a metric against a swept parameter, one line
// per series), as PNG and SVG through gnuplot, into a folder of their own (docs/plots.md).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/app/gnuplot_runner.h"
#include "cli/app/plot_kinds.h"
#include "cli/commands.h"
#include "cli/output_directory.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

namespace fs = std::filesystem;

std::vector<PlotJob> run_directory_plots(const fs::path& run,
                                         const std::vector<std::string>& kinds) {
  const bool serving = fs::is_regular_file(run / "requests.csv");
  std::vector<std::string> chosen = kinds;
  if (chosen.empty()) {
    chosen = serving ? std::vector<std::string>{"cdf", "heatmap", "bound"}
                     : std::vector<std::string>{"bound"};
  }
  std::vector<PlotJob> jobs;
  for (const std::string& kind : chosen) {
    if (kind == "cdf" || kind == "heatmap") {
      if (!serving) {
        throw ConfigError(
            fmt::format("--kind {}: {} is a layer run; latency CDFs and the "
                        "per-layer heatmap need a serving run",
                        kind, run.string()));
      }
      jobs.push_back(kind == "cdf" ? latency_cdf_plot(run) : rank_heatmap_plot(run));
    } else if (kind == "bound") {
      jobs.push_back(run_bound_plot(run));
    } else {
      throw ConfigError(fmt::format(
          "--kind {}: a run directory plots cdf, heatmap or bound (metric: from a results.csv)",
          kind));
    }
  }
  return jobs;
}

std::vector<PlotJob> results_plots(const fs::path& csv, const PlotOptions& o) {
  std::vector<std::string> chosen = o.kinds;
  if (chosen.empty()) chosen = {"metric"};
  if (o.x.empty()) throw ConfigError("--x: a results.csv plot needs the swept column for x");
  std::vector<PlotJob> jobs;
  for (const std::string& kind : chosen) {
    if (kind == "metric") {
      if (o.y.empty()) throw ConfigError("--y: a metric plot needs the column to draw");
      jobs.push_back(metric_plot(csv, o.x, o.y, o.series, o.where, "metric"));
    } else if (kind == "bound") {
      // A serving sweep's throughput fraction, else a layer sweep's step fraction.
      std::string y = o.y;
      if (y.empty()) {
        const CsvTable header = read_csv(csv);
        const auto& c = header.columns;
        y = std::find(c.begin(), c.end(), "bound.fraction_of_bound") != c.end()
                ? "bound.fraction_of_bound"
                : "bound.step_fraction_of_bound";
      }
      jobs.push_back(metric_plot(csv, o.x, y, o.series, o.where, "fraction_of_bound"));
    } else {
      throw ConfigError(
          fmt::format("--kind {}: a results.csv plots metric or bound (cdf, heatmap: from a "
                      "run directory)",
                      kind));
    }
  }
  return jobs;
}

}  // namespace

int plot_command(const PlotOptions& options) {
  // "run/" and "." name a folder too: its own name makes the default output's.
  fs::path path = fs::path(options.path).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  if (path.empty() || path.filename() == "." || path.filename() == "..") {
    path = fs::absolute(path).lexically_normal();
    if (path.filename().empty()) path = path.parent_path();
  }
  const bool directory = fs::is_directory(path);
  if (!directory && !fs::is_regular_file(path)) {
    throw ConfigError(fmt::format("{}: no such run directory or results.csv", options.path));
  }
  const std::vector<PlotJob> jobs =
      directory ? run_directory_plots(path, options.kinds) : results_plots(path, options);
  fs::path out = options.out;
  if (out.empty()) {
    const fs::path base = directory ? path : path.parent_path() / path.stem();
    out = base.string() + ".plots";
  }
  OutputDirectory dir(out);
  std::vector<std::string> written;
  for (const PlotJob& job : jobs) {
    for (const auto& [file, content] : job.data) dir.write(file, content);
    run_gnuplot(dir.staging_path(), job.name + ".gp", job.script);
    written.push_back(job.name);
  }
  dir.commit();
  std::cout << fmt::format("wrote {}/{{{}}}.{{png,svg}}\n", out.string(), fmt::join(written, ","));
  return 0;
}

}  // namespace moesim
