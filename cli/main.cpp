/// The `moesim` executable: parses the command line and maps failures to exit codes
/// (0 success, 2 usage or configuration error, 1 runtime failure).

#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/interrupt_cleanup.h"
#include "cli/sweep_command.h"
#include "cli/trace_commands.h"
#include "cli/workload_command.h"
#include "sim/config_error.h"
#include "traces/routing_params.h"

namespace {

/// The first word that names no subcommand where one is required ("moesim bogus", "moesim
/// trace bogus"), with the known names: CLI11 itself only says "A subcommand is required".
/// Returns "" when the words name subcommands down to the first option or the end.
std::string unknown_subcommand_error(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return "";
    const auto subcommands = current->get_subcommands({});
    if (subcommands.empty()) return "";
    CLI::App* next = nullptr;
    for (CLI::App* sub : subcommands) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      if (current->get_require_subcommand_min() == 0) return "";
      std::string known;
      for (const CLI::App* sub : subcommands)
        known += (known.empty() ? "" : ", ") + sub->get_name();
      const std::string group = current == &app ? "moesim" : "moesim " + current->get_name();
      return "unknown subcommand '" + word + "' of " + group + " (known: " + known + ")";
    }
    current = next;
  }
  return "";
}

/// For unsigned options: CLI11 converts "-1" to 2^64-1; this refuses a sign before conversion.
const CLI::Validator kWholeNumber(
    [](std::string& value) {
      const bool digits =
          !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      return digits ? std::string() : "expected a whole number >= 0, got \"" + value + "\"";
    },
    "UINT");

/// kWholeNumber, and at least 1.
const CLI::Validator kCountingNumber(
    [](std::string& value) {
      const bool digits =
          !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      const bool zero = value.find_first_not_of('0') == std::string::npos;
      return digits && !zero ? std::string()
                             : "expected a whole number >= 1, got \"" + value + "\"";
    },
    "UINT");

}  // namespace

int main(int argc, char** argv) {
  // Before any other thread exists: an interrupt then removes the staging of unfinished outputs.
  moesim::InterruptCleanup::install();

  CLI::App app{"moesim: discrete-event simulator of Mixture-of-Experts systems"};
  app.require_subcommand(1);

  moesim::RunOptions run;
  std::string seed;
  auto* run_cmd = app.add_subcommand("run", "simulate a scenario and write its outputs");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("--out", run.out_dir, "output directory (default out/<scenario name>)");
  // A string, checked by the scenario loader as `seed:` in the file is (CLI11 would wrap -1).
  auto* seed_opt =
      run_cmd->add_option("--seed", seed, "override the scenario's seed (as --set seed=N)");
  run_cmd
      ->add_option("--set", run.sets,
                   "KEY.PATH=VALUE: set a scenario key before loading, checked as in the file "
                   "(repeatable; e.g. --set routing.generator=zipf --set seed=3)")
      ->allow_extra_args(false);
  run_cmd->add_flag("--quiet", run.quiet, "do not print the summary");
  auto* no_trace = run_cmd->add_flag_callback(
      "--no-trace", [&run] { run.trace = false; },
      "do not write trace.json (layer and serving scenarios); the other outputs are the same");
  run_cmd
      ->add_option("--trace-iterations", run.trace_iterations,
                   "serving scenarios: trace.json holds the first N engine iterations only (all "
                   "by default; a long run's whole trace takes tens of MB)")
      ->check(kCountingNumber)
      ->excludes(no_trace);

  std::string family;
  moesim::BoundOptions bound;
  auto* bound_cmd = app.add_subcommand(
      "bound", "print the scenario's hardware limits (MoE-Lens and friends) without simulating");
  bound_cmd->add_option("scenario", bound.scenario, "scenario YAML file")->required();
  bound_cmd->add_option("--set", bound.sets, "override a scenario key: KEY.PATH=VALUE");
  std::string bound_seed;
  auto* bound_seed_opt = bound_cmd->add_option("--seed", bound_seed, "override the seed");

  moesim::PlotOptions plot;
  auto* plot_cmd = app.add_subcommand(
      "plot", "draw a run directory's or a sweep's results.csv plots (PNG and SVG, gnuplot)");
  plot_cmd->add_option("path", plot.path, "run directory or results.csv")->required();
  plot_cmd->add_option("--kind", plot.kinds, "cdf, heatmap, bound or metric (repeatable)");
  plot_cmd->add_option("--x", plot.x, "results.csv: the swept column for x");
  plot_cmd->add_option("--y", plot.y, "results.csv: the metric column");
  plot_cmd->add_option("--series", plot.series, "results.csv: one line per value of this column");
  plot_cmd->add_option("--where", plot.where,
                       "results.csv: keep the rows with COLUMN=VALUE (repeatable)");
  plot_cmd->add_option("--out", plot.out, "output folder (default PATH.plots)");

  moesim::PlanOptions plan;
  auto* plan_cmd = app.add_subcommand(
      "plan", "search the deployments of a scenario's plan: block against its SLOs");
  plan_cmd->add_option("scenario", plan.scenario, "scenario YAML file with plan:")->required();
  plan_cmd->add_option("--out", plan.out_dir, "output folder (default out/<name>-plan)");
  plan_cmd->add_option("--set", plan.sets, "override a scenario key: KEY.PATH=VALUE");
  plan_cmd
      ->add_option("-j,--jobs", plan.jobs,
                   "candidates evaluated at once (the cores this process may use); the outputs are "
                   "the same for any "
                   "number")
      ->check(kCountingNumber);

  auto* list_cmd = app.add_subcommand("list", "list strategy families and their strategies");
  list_cmd->add_option("family", family,
                       "only this family, or hardware, topology or models (the catalogues)");
  bool markdown = false;
  list_cmd->add_flag("--markdown", markdown,
                     "every strategy family as Markdown (the text of docs/strategies.md)");

  std::string explain_key;
  auto* explain_cmd = app.add_subcommand(
      "explain", "explain a scenario key, block, strategy or strategy parameter");
  explain_cmd->add_option("key", explain_key,
                          "serving.max_num_seqs, serving, strategies.dispatch, deepep_normal, "
                          "deepep_normal.sms, ...");
  bool explain_markdown = false;
  explain_cmd->add_flag("--markdown", explain_markdown,
                        "every scenario key as Markdown (the text of docs/scenario-keys.md)");

  moesim::ValidateOptions validate;
  auto* validate_cmd =
      app.add_subcommand("validate", "compare simulated with measured runs (validation.csv)");
  validate_cmd->add_option("scenario", validate.scenario,
                           "scenario whose partition of the MoE layer to check");
  std::string suites;
  for (const std::string& suite : moesim::validation_suites()) {
    suites += (suites.empty() ? "" : ", ") + suite;
  }
  validate_cmd->add_option("--suite", validate.suite, "suite to run: " + suites);
  validate_cmd
      ->add_option("--set", validate.sets,
                   "scenario check: KEY.PATH=VALUE set before loading, as `run --set` "
                   "(repeatable; e.g. --set strategies.dispatch=hierarchical)")
      ->allow_extra_args(false);
  validate_cmd->add_option("--tokens", validate.tokens, "scenario check: routed tokens (64)")
      ->check(kWholeNumber);
  validate_cmd->add_option("--table", validate.table,
                           "comm suite: a measured nccl-tests table to check (needs --system); "
                           "silicon suite: a measured serving table in aiconfigurator's "
                           "silicon-sample columns (default the shipped H100 one)");
  validate_cmd->add_option("--system", validate.system,
                           "comm suite: only this machine (systems.yaml name or system file)");
  validate_cmd->add_option("--tables", validate.tables,
                           "kernels suite: its tables file (default "
                           "models/profiles/kernels_suite.yaml)");
  validate_cmd->add_option("--profile", validate.profile,
                           "cpu suite: host profile (default out/host_profile.yaml)");
  validate_cmd->add_option("--out", validate.out_dir,
                           "output directory (default out/validate-SUITE)");

  moesim::CalibrateOptions calibrate;
  auto* calibrate_cmd =
      app.add_subcommand("calibrate", "fit a suite's per-system constants on its fit rows");
  calibrate_cmd->add_option("--suite", calibrate.suite, "suite to fit: comm, cpu, ep or silicon")
      ->required();
  calibrate_cmd->add_option("--table", calibrate.table,
                            "comm: a measured nccl-tests table to fit (needs --system); "
                            "silicon: a measured serving table to fit on its fit rows");
  calibrate_cmd->add_option("--system", calibrate.system,
                            "comm: only this machine (systems.yaml name or system file)");
  calibrate_cmd->add_option("--out", calibrate.out,
                            "cpu: host profile to write (default out/host_profile.yaml); comm: "
                            "also write the fitted constants to this file");

  // `trace` groups the routing trace tools; each one is a subcommand with its own function.
  auto* trace_cmd = app.add_subcommand("trace", "routing trace tools (traces/FORMAT.md)");
  trace_cmd->require_subcommand(1);
  moesim::TraceConvertOptions trace_convert;
  auto* trace_convert_cmd = trace_cmd->add_subcommand(
      "convert", "rewrite a routing trace; the output extension (.jsonl or .mtr) picks the format");
  trace_convert_cmd->add_option("in", trace_convert.in, "trace to read (.jsonl or .mtr)")
      ->required();
  trace_convert_cmd->add_option("out", trace_convert.out, "trace to write (.jsonl or .mtr)")
      ->required();

  moesim::TraceStatsCommandOptions trace_stats;
  auto* trace_stats_cmd = trace_cmd->add_subcommand(
      "stats", "routing statistics of a trace: CSV files and a printed summary");
  trace_stats_cmd->add_option("trace", trace_stats.trace, "trace to read (.jsonl or .mtr)")
      ->required();
  trace_stats_cmd->add_option("--out", trace_stats.out_dir,
                              "output directory (default out/trace-stats-<trace stem>)");
  trace_stats_cmd->add_flag("--no-sch", trace_stats.no_sch,
                            "skip SCH, which holds every expert choice in memory");

  moesim::TraceGenerateOptions trace_generate;
  auto* trace_generate_cmd = trace_cmd->add_subcommand(
      "generate", "write a synthetic or calibrated routing trace (prefill tokens)");
  trace_generate_cmd
      ->add_option("--model", trace_generate.model,
                   "model card; calibrated: Mixtral-8x7B or OLMoE-1B-7B")
      ->required();
  trace_generate_cmd
      ->add_option("--generator", trace_generate.generator, "calibrated, uniform or zipf")
      ->required();
  trace_generate_cmd->add_option("--tokens", trace_generate.tokens, "tokens to route")
      ->required()
      ->check(kWholeNumber);
  trace_generate_cmd->add_option(
      "--domain", trace_generate.domain,
      "calibrated: text domain measured (" + moesim::CalibratedRoutingSpec{}.domain + ")");
  trace_generate_cmd->add_option(
      "--skew", trace_generate.skew,
      fmt::format("zipf: exponent ({})", moesim::SyntheticRoutingSpec{}.skew));
  trace_generate_cmd
      ->add_option("--requests", trace_generate.requests, "requests the tokens are split over (1)")
      ->check(kWholeNumber);
  trace_generate_cmd->add_option("--seed", trace_generate.seed, "master seed (0)")
      ->check(kWholeNumber);
  trace_generate_cmd->add_option("--out", trace_generate.out, "trace to write (.jsonl or .mtr)")
      ->required();

  moesim::TraceImportOptions trace_import;
  auto* trace_import_cmd = trace_cmd->add_subcommand(
      "import", "convert an SGLang or vLLM routing dump (traces/IMPORTERS.md)");
  trace_import_cmd->add_option("--from", trace_import.from, "sglang or vllm")->required();
  trace_import_cmd->add_option("in", trace_import.in, "dump to read")->required();
  trace_import_cmd->add_option("out", trace_import.out, "trace to write (.jsonl or .mtr)")
      ->required();
  trace_import_cmd->add_option("--model", trace_import.model,
                               "model card: header name, experts and top-k");
  trace_import_cmd
      ->add_option("--experts", trace_import.experts,
                   "without --model: routed experts per layer (default from dump)")
      ->check(kWholeNumber);
  trace_import_cmd
      ->add_option("--top-k", trace_import.top_k,
                   "without --model: nominal top-k (default: most in any record)")
      ->check(kWholeNumber);

  // `sweep` runs a scenario's `sweep:` block point by point and collects the results.
  auto* sweep_cmd = app.add_subcommand("sweep", "run a scenario's sweep: block and collect it");
  sweep_cmd->require_subcommand(1);
  moesim::SweepRunOptions sweep_run;
  auto* sweep_run_cmd = sweep_cmd->add_subcommand(
      "run", "run each point of the sweep as `moesim run` into DIR/points/ID (resumes)");
  sweep_run_cmd->add_option("scenario", sweep_run.scenario, "scenario YAML file with sweep:")
      ->required();
  sweep_run_cmd->add_option("--out", sweep_run.out_dir, "sweep folder (made by moesim)")
      ->required();
  sweep_run_cmd->add_option("-j,--jobs", sweep_run.jobs, "points run at once (1)")
      ->check(kCountingNumber);
  sweep_run_cmd->add_option("--shard", sweep_run.shard,
                            "i/N: run only the points whose index mod N is i (0-based)");
  std::string sweep_dir;
  auto* sweep_collect_cmd = sweep_cmd->add_subcommand(
      "collect", "write DIR/results.csv: each point's axis values and headline metrics");
  sweep_collect_cmd->add_option("dir", sweep_dir, "sweep folder")->required();
  moesim::SlurmSubmitOptions submit;
  bool slurm = false;
  auto* sweep_submit_cmd = sweep_cmd->add_subcommand(
      "submit", "run the sweep as a Slurm job array: task i runs `sweep run --shard i/N`");
  sweep_submit_cmd->add_option("scenario", submit.scenario, "scenario YAML file with sweep:")
      ->required();
  sweep_submit_cmd->add_option("--out", submit.out_dir, "sweep folder, shared with the nodes")
      ->required();
  sweep_submit_cmd->add_flag("--slurm", slurm, "submit with sbatch (the scheduler moesim knows)")
      ->required();
  sweep_submit_cmd->add_option("--chunk", submit.chunk, "points per array task (points / 1000)")
      ->check(kCountingNumber);
  sweep_submit_cmd->add_option("--max-running", submit.max_running, "array tasks at once")
      ->check(kCountingNumber);
  sweep_submit_cmd->add_option("-j,--jobs", submit.jobs, "points at once in a task (1)")
      ->check(kCountingNumber);
  sweep_submit_cmd->add_option("--partition", submit.partition, "Slurm partition");
  sweep_submit_cmd->add_option("--time", submit.time_limit, "time limit of a task (sbatch --time)");
  sweep_submit_cmd->add_flag_callback(
      "--no-submit", [&submit]() { submit.submit = false; },
      "write DIR/slurm/sweep.sbatch without submitting it");
  std::string status_dir;
  auto* sweep_status_cmd = sweep_cmd->add_subcommand(
      "status", "points done and, for a Slurm sweep, its array tasks per state");
  sweep_status_cmd->add_option("dir", status_dir, "sweep folder")->required();

  auto* version_cmd = app.add_subcommand("version", "print the version");

  auto* workload_cmd = app.add_subcommand("workload", "generate or import request workloads");
  workload_cmd->require_subcommand(1);
  moesim::WorkloadGenerateOptions generate;
  auto* generate_cmd = workload_cmd->add_subcommand("generate", "write a synthetic request file");
  generate_cmd->add_option("--arrival", generate.arrival, "poisson, gamma or fixed (poisson)");
  generate_cmd->add_option("--rate", generate.rate, "requests per second")->required();
  generate_cmd->add_option("--cv", generate.cv, "gamma: CV of the inter-arrival gaps (1)");
  generate_cmd->add_option("--requests", generate.requests, "number of requests")
      ->required()
      ->check(kWholeNumber);
  generate_cmd
      ->add_option("--input", generate.input,
                   "input lengths: N, uniform:LO:HI, lognormal:MEAN:STD or file:PATH")
      ->required();
  generate_cmd->add_option("--output", generate.output, "output lengths, as --input")->required();
  generate_cmd->add_option("--seed", generate.seed, "master seed (0)")->check(kWholeNumber);
  generate_cmd->add_option("--out", generate.out, "request file to write (CSV)")->required();
  std::string sharegpt_in;
  std::string sharegpt_out;
  auto* sharegpt_cmd = workload_cmd->add_subcommand(
      "import-sharegpt", "convert an LLMServingSim ShareGPT .jsonl into a request file");
  sharegpt_cmd->add_option("in", sharegpt_in, "LLMServingSim workload (.jsonl)")->required();
  sharegpt_cmd->add_option("out", sharegpt_out, "request file to write (CSV)")->required();

  if (const std::string error = unknown_subcommand_error(app, argc, argv); !error.empty()) {
    std::cerr << "moesim: error: " << error << "\nRun with --help for more information.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*run_cmd) {
      if (*seed_opt) run.seed = seed;
      return moesim::run_command(run);
    }
    if (*bound_cmd) {
      if (*bound_seed_opt) bound.seed = bound_seed;
      return moesim::bound_command(bound);
    }
    if (*sweep_run_cmd) return moesim::sweep_run_command(sweep_run);
    if (*sweep_collect_cmd) return moesim::sweep_collect_command(sweep_dir);
    if (*sweep_submit_cmd) return moesim::submit_sweep_to_slurm(submit);
    if (*sweep_status_cmd) return moesim::print_sweep_status(status_dir);
    if (*list_cmd) return moesim::list_command(family, markdown);
    if (*explain_cmd) return moesim::explain_command(explain_key, explain_markdown);
    if (*plot_cmd) return moesim::plot_command(plot);
    if (*plan_cmd) return moesim::plan_command(plan);
    if (*validate_cmd) return moesim::validate_command(validate);
    if (*calibrate_cmd) return moesim::calibrate_command(calibrate);
    if (*generate_cmd) return moesim::workload_generate_command(generate);
    if (*sharegpt_cmd) return moesim::workload_import_sharegpt_command(sharegpt_in, sharegpt_out);
    if (*trace_convert_cmd) return moesim::trace_convert_command(trace_convert);
    if (*trace_stats_cmd) return moesim::trace_stats_command(trace_stats);
    if (*trace_generate_cmd) return moesim::trace_generate_command(trace_generate);
    if (*trace_import_cmd) return moesim::trace_import_command(trace_import);
    if (*version_cmd) {
      std::cout << "moesim " << MOESIM_VERSION << '\n';
      return 0;
    }
  } catch (const moesim::ConfigError& e) {
    std::cerr << "moesim: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "moesim: runtime failure: " << e.what() << '\n';
    return 1;
  }
  return 2;
}
