#pragma once
/// The subcommands of the `moesim` executable. Each returns the process exit code:
/// 0 success, 2 usage or configuration error, 1 runtime failure. The `trace` and `workload`
/// groups are declared in cli/trace_commands.h and cli/workload_command.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/app/parallel_jobs.h"

namespace moesim {

struct RunOptions {
  std::string scenario;
  std::string out_dir;            ///< "" means out/<scenario name>
  std::vector<std::string> sets;  ///< --set KEY.PATH=VALUE, in order (cli/app/scenario_overrides.h)
  std::optional<std::string> seed;  ///< --seed N: applied as `--set seed=N` after the sets
  bool quiet = false;               ///< no summary on stdout
  bool trace = true;                ///< write trace.json (--no-trace: false)
  /// --trace-iterations N: a serving run's trace.json has the first N iterations only.
  std::optional<uint64_t> trace_iterations;
};

struct ValidateOptions {
  std::string scenario;           ///< check a scenario's partition (exclusive with suite)
  std::string suite;              ///< one of validation_suites()
  std::string out_dir;            ///< "" means out/validate-<suite>
  uint32_t tokens = 64;           ///< scenario check: routed tokens computed
  std::vector<std::string> sets;  ///< scenario check: --set KEY.PATH=VALUE overrides
  std::string profile;            ///< cpu suite: host profile ("" means out/host_profile.yaml)
  std::string table;              ///< comm suite: --table, a user's measured table
  std::string system;             ///< comm suite: --system, one machine (name or system file)
  std::string tables;  ///< kernels suite: --tables, its tables file ("" means the shipped one)
};

struct CalibrateOptions {
  std::string suite;   ///< "comm", "cpu" or "ep"
  std::string table;   ///< comm: --table, a user's measured table
  std::string system;  ///< comm: --system, one machine (name or system file)
  /// cpu: where to write the host profile ("" means out/host_profile.yaml); comm: a file to
  /// write the fitted constants to as well ("" means print only).
  std::string out;
};

int run_command(const RunOptions& options);

struct BoundOptions {
  std::string scenario;
  std::vector<std::string> sets;    ///< --set KEY.PATH=VALUE, in order
  std::optional<std::string> seed;  ///< --seed N, as for run
};
/// Prints each bound of the scenario (its `bounds:` or all of them): its figures, the regime and
/// the binding resource, or why it does not apply. Simulates nothing.
int bound_command(const BoundOptions& options);
/// The names `moesim validate --suite` accepts, in the order the help lists them.
const std::vector<std::string>& validation_suites();
/// Runs a validation suite (writes validation.csv and summary.txt, prints the summary), or checks
/// that a scenario's partition of the MoE layer computes the unpartitioned result (exit 1 if
/// not).
int validate_command(const ValidateOptions& options);
/// comm: fits the per-system constants on the fit rows and prints them as systems.yaml keys;
/// ep: fits the DeepEP kernel constants and prints them as deepep.yaml keys;
/// cpu: measures this host and writes its profile.
int calibrate_command(const CalibrateOptions& options);
int list_command(const std::string& family, bool markdown);
/// Prints what a scenario key, block, strategy section, strategy or strategy parameter is
/// (cli/app/key_explainer.h), or with `markdown` every key (docs/scenario-keys.md). An unknown
/// key is a ConfigError with up to 3 close names.
int explain_command(const std::string& key, bool markdown);

struct PlotOptions {
  std::string path;                ///< a run directory or a sweep's results.csv
  std::vector<std::string> kinds;  ///< cdf, heatmap, bound, metric; empty: the path's defaults
  std::string x, y, series;        ///< results.csv columns
  std::vector<std::string> where;  ///< results.csv rows kept: COLUMN=VALUE each
  std::string out;                 ///< "" means PATH.plots (results.csv: results.plots)
};
/// Draws the plots as PNG and SVG through gnuplot into their own folder (docs/plots.md).
int plot_command(const PlotOptions& options);

struct PlanOptions {
  std::string scenario;           ///< a serving scenario with a plan: block
  std::string out_dir;            ///< "" means out/<scenario name>-plan
  std::vector<std::string> sets;  ///< --set KEY.PATH=VALUE on the base scenario, in order
  /// Candidates evaluated at once, on threads (>= 1); by default the cores this process may use,
  /// since the outputs are the same for any number.
  size_t jobs = available_cores();
};
/// Searches the deployments of the scenario's plan: block (docs/planning.md): prints the
/// counts, the cheapest deployments meeting the SLOs and the Pareto frontier, and writes
/// candidates.csv, frontier.csv and the frontier plot.
int plan_command(const PlanOptions& options);

}  // namespace moesim
