#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/app/host_profile_io.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/scenario_overrides.h"
#include "cli/commands.h"
#include "cli/output_directory.h"
#include "cli/owned_file.h"
#include "cli/validation/comm_workflow.h"
#include "cli/validation/cpu_suite.h"
#include "cli/validation/ep_suite.h"
#include "cli/validation/kernels_suite.h"
#include "cli/validation/partition_check.h"
#include "cli/validation/routing_suite.h"
#include "cli/validation/serving_suite.h"
#include "cli/validation/silicon_suite.h"
#include "models/strategies/serving_cost/operator_database_spec.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"
#include "traces/calibration/measured_routing.h"

namespace moesim {
namespace {

/// The DeepEP tables shipped with the sources (topologies/measured); the comm tables are found
/// through systems.yaml instead (comm_workflow.h).
std::filesystem::path measured_dir() {
  return MOESIM_MEASURED_DIR;
}

void require_known_suite(const std::string& suite) {
  const std::vector<std::string>& known = validation_suites();
  if (std::find(known.begin(), known.end(), suite) == known.end()) {
    throw ConfigError(fmt::format("unknown suite '{}' (known: {})", suite, fmt::join(known, ", ")));
  }
}

/// --table chooses the comm or silicon suite's measured table, --system the comm suite's
/// machine; no other suite takes them.
void require_table_options(const std::string& suite, const std::string& table,
                           const std::string& system) {
  if (suite != "comm" && !system.empty()) {
    throw ConfigError(fmt::format("--suite {}: --system applies to --suite comm only", suite));
  }
  if (suite != "comm" && suite != "silicon" && !table.empty()) {
    throw ConfigError(
        fmt::format("--suite {}: --table applies to --suite comm and silicon only", suite));
  }
}

constexpr const char* kDefaultHostProfile = "out/host_profile.yaml";

/// The silicon suite's base scenario and measured table (cli/validation/silicon_suite.h).
std::filesystem::path silicon_base() {
  return std::filesystem::path(MOESIM_VALIDATION_SCENARIOS_DIR) / "silicon_h100.yaml";
}
/// --table names another table in the same columns.
std::filesystem::path silicon_table(const std::string& table) {
  if (!table.empty()) return table;
  return std::filesystem::path(MOESIM_VALIDATION_SCENARIOS_DIR) / "measured" / "silicon" /
         "silicon_h100.csv";
}

/// The MoE block profiles shipped with the sources (models/profiles), with the kernels suite's
/// tables file; --tables names another.
std::filesystem::path profiles_dir() {
  return MOESIM_PROFILES_DIR;
}

}  // namespace

const std::vector<std::string>& validation_suites() {
  static const std::vector<std::string> suites{"comm",    "ep",      "kernels", "cpu",
                                               "routing", "serving", "silicon"};
  return suites;
}

int validate_scenario(const ValidateOptions& options) {
  const StrategyCatalog catalog = builtin_strategies();
  std::vector<ScenarioOverride> overrides;
  for (const std::string& set : options.sets) overrides.push_back(parse_override("--set", set));
  const ScenarioConfig cfg = load_scenario(options.scenario, catalog, overrides);
  if (cfg.serving) {
    throw ConfigError(fmt::format(
        "{}: validate SCENARIO checks the partition of a layer scenario's MoE layer "
        "(workload.tokens); this is a serving scenario (serving: block): run it with `moesim "
        "run`, or compare serving with measurements with `moesim validate --suite serving`",
        options.scenario));
  }
  PartitionCheckOptions check;
  check.tokens = options.tokens;
  PartitionCheckReport r;
  try {
    r = check_partition(cfg, catalog, check);
  } catch (const std::invalid_argument& e) {
    // As in `moesim run`: strategies that cannot be built are a configuration error.
    throw ConfigError(fmt::format("{}: {}", options.scenario, e.what()));
  }
  std::cout << fmt::format(
      "scenario '{}': {} routed tokens of {} (hidden {}, expert FFN {}, top-{}), placement {} "
      "over {} ranks\n{}",
      cfg.name, r.tokens, cfg.model.name, cfg.model.hidden_size, cfg.model.expert_ffn_size,
      cfg.model.top_k, cfg.placement.name, r.ranks, r.partition);
  std::cout << fmt::format("dispatch {}\n", r.dispatch);
  std::cout << fmt::format(
      "partitioned vs unpartitioned: max |diff| {:.3g}, relative L2 {:.3g} (fp32 tolerance "
      "{:.3g}): "
      "{}\n",
      r.max_abs_error, r.rel_l2_error, r.tolerance, r.passed ? "PASS" : "FAIL");
  std::cout << fmt::format(
      "payload as sent ({}): relative L2 {:.3g} against fp32 (lossy: reported, no tolerance)\n",
      r.payload_dtypes, r.payload_rel_l2_error);
  return r.passed ? 0 : 1;
}

int validate_command(const ValidateOptions& options) {
  if (options.scenario.empty() == options.suite.empty()) {
    throw ConfigError("validate: give either a scenario or --suite, not both or neither");
  }
  if (!options.scenario.empty()) return validate_scenario(options);
  if (!options.sets.empty()) throw ConfigError("validate: --set applies to a scenario check");
  require_known_suite(options.suite);
  require_table_options(options.suite, options.table, options.system);
  if (!options.tables.empty() && options.suite != "kernels") {
    throw ConfigError(
        fmt::format("--suite {}: --tables applies to --suite kernels only", options.suite));
  }
  // Before the suite runs: a path moesim may not write fails at once.
  OutputDirectory out(options.out_dir.empty() ? "out/validate-" + options.suite : options.out_dir);
  std::vector<ValidationRow> rows;
  std::string summary;
  bool goals_met = false;
  std::vector<ValidationGoal> goals;  // empty: goals_met sums up the goals of the summary
  std::optional<size_t> report_only_rows;
  if (options.suite == "comm") {
    const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
    CommSuiteReport report = run_comm_suite(
        select_comm_tables({options.table, options.system}, default_catalogue_dir(), catalogue),
        catalogue);
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
    goals = std::move(report.goals);
    report_only_rows = report.report_only_rows;
  } else if (options.suite == "ep") {
    const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
    EpSuiteReport report =
        run_ep_suite(measured_dir(), default_catalogue_dir(), catalogue, profiles_dir());
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
    goals = std::move(report.goals);
    report_only_rows = report.report_only_rows;
  } else if (options.suite == "cpu") {
    const std::string path = options.profile.empty() ? kDefaultHostProfile : options.profile;
    if (!std::filesystem::exists(path)) {
      throw ConfigError(
          fmt::format("{}: no host profile; run `moesim calibrate --suite cpu` first", path));
    }
    CpuSuiteReport report = run_cpu_suite(load_host_profile(path));
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;  // a report, not a CI gate: see cpu_suite.h
    goals = std::move(report.goals);
    report_only_rows = 0;
  } else if (options.suite == "serving") {
    const std::filesystem::path dir = MOESIM_VALIDATION_SCENARIOS_DIR;
    const std::filesystem::path measured = dir / "measured" / "vllm_qwen3_30b_a3b_dp2ep2";
    const StrategyCatalog catalog = builtin_strategies();
    const ScenarioConfig config =
        load_scenario((dir / "vllm_qwen3_30b_a3b_dp2ep2.yaml").string(), catalog);
    const std::vector<std::unique_ptr<ServingRun>> runs =
        run_seeded_replays(config, catalog, kServingSuiteSeeds);
    std::vector<const ServingRun*> replays;
    for (const auto& run : runs) replays.push_back(run.get());
    ServingSuiteReport report = compare_serving_runs(replays, measured);
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
    // The stated 4 ms was measured under synchronous scheduling; async scheduling was built to
    // hide that gap, and vLLM pull request #11133 left 0.15-0.17 ms of it.
    summary += overhead_sensitivity(
        config, catalog, 160.0,
        "the gap async scheduling leaves, vLLM pull request #11133; docs/validation.md", measured);
    // Issue 15 asks for this suite met with the overhead model, not a stated constant: vLLM's
    // per-iteration overhead fitted on the H100 silicon rows, here in place of the 4 ms.
    const OperatorDatabaseSpec vllm =
        read_operator_database(find_operator_tables("h100_sxm", dir), "vllm");
    summary += overhead_sensitivity(config, catalog, vllm.overhead.graph_us,
                                    "vLLM's fitted overhead per iteration, tables.yaml of h100_sxm "
                                    "(H100 silicon fit rows); docs/validation.md",
                                    measured);
  } else if (options.suite == "silicon") {
    SiliconSuiteReport report =
        run_silicon_suite(silicon_base(), silicon_table(options.table), builtin_strategies());
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
    goals = std::move(report.goals);
    report_only_rows = report.report_only_rows;
  } else if (options.suite == "routing") {
    RoutingSuiteReport report = run_routing_suite(default_routing_stats_dir());
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
  } else {
    const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
    const std::filesystem::path tables = options.tables.empty()
                                             ? default_kernels_tables(profiles_dir())
                                             : std::filesystem::path(options.tables);
    KernelsSuiteReport report = run_kernels_suite(read_kernels_tables(tables, catalogue));
    rows = std::move(report.rows);
    summary = std::move(report.summary);
    goals_met = report.goals_met;
  }

  if (goals.empty()) goals.push_back({"", goals_met});  // stated in the suite's summary
  // The verdict goes into summary.txt too: the result folder holds what was printed.
  summary += "\n" + format_goal_summary(goals, rows, report_only_rows);
  out.write("validation.csv", format_validation_csv(rows));
  out.write("summary.txt", summary);
  out.commit();
  std::cout << summary;
  std::cout << fmt::format("wrote {}/{{validation.csv, summary.txt}}\n", out.final_path().string());
  return 0;
}

int calibrate_command(const CalibrateOptions& options) {
  const std::string& suite = options.suite;
  require_table_options(suite, options.table, options.system);
  if (suite == "cpu") {
    // Before the measurement: a path holding a file moesim did not write fails at once.
    const OwnedFile out(options.out.empty() ? kDefaultHostProfile : options.out,
                        kHostProfileMarker);
    const std::string text = format_host_profile(measure_host_profile());
    out.write(text);
    std::cout << text << fmt::format("wrote {}\n", out.path().string());
    return 0;
  }
  if (suite == "silicon") {
    std::cout << silicon_calibration_text(silicon_base(), silicon_table(options.table),
                                          builtin_strategies());
    return 0;
  }
  if (suite == "ep") {
    const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
    std::cout << ep_calibration_text(measured_dir(), default_catalogue_dir(), catalogue);
    return 0;
  }
  if (suite != "comm") {
    throw ConfigError(
        fmt::format("unknown suite '{}' to calibrate (known: comm, cpu, ep, silicon)", suite));
  }
  // Before the fit: a path moesim may not write fails at once.
  std::optional<OwnedFile> out;
  if (!options.out.empty()) out.emplace(options.out, kCommCalibrationMarker);
  const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
  const std::vector<CommTable> tables =
      select_comm_tables({options.table, options.system}, default_catalogue_dir(), catalogue);
  const std::string text = comm_calibration_yaml(tables, catalogue, !options.system.empty());
  if (out) out->write(text);
  std::cout << text;
  if (out) std::cout << fmt::format("wrote {}\n", out->path().string());
  return 0;
}

}  // namespace moesim
