#include "cli/validation/silicon_suite.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_run.h"
#include "cli/validation/nonnegative_fit.h"
#include "cli/validation/parallel_runs.h"
#include "models/engine/serving/serving_metrics.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr double kTpotMedianGoal = 0.10, kTtftMedianGoal = 0.20, kTpotP90Goal = 0.25;
constexpr size_t kMinGroupRows = 10;  // check rows a model and backend need to be judged

std::string group_of(const SiliconRow& row) {
  const std::string group = row.card + " / " + row.backend;
  return row.gpu == kSiliconTablesGpu ? group : group + " on " + row.gpu;
}

/// Other requests in flight when one of `row`'s requests is sent, once every client runs.
uint64_t others_in_flight(const SiliconRow& row) {
  return row.concurrency - 1;
}

/// Sequences in a decode iteration of `row` (per data-parallel rank): its clients, up to the
/// engine's batch limit.
double decode_sequences(const SiliconRow& row) {
  return std::min<double>(double(row.concurrency) / row.attention_dp, row.batch);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> catalogue_hf_ids() {
  std::vector<std::pair<std::string, std::string>> ids;
  for (const auto& [name, card] : load_model_catalogue(default_model_catalogue_dir())) {
    if (!card.hf_id.empty() && card.num_routed_experts > 0) ids.emplace_back(card.hf_id, name);
  }
  return ids;
}

std::vector<ScenarioOverride> silicon_overrides(const SiliconRow& row) {
  const auto set = [](const std::string& path, const std::string& value) {
    return ScenarioOverride{path, value, fmt::format("--set {}={}", path, value)};
  };
  const uint32_t nodes = (row.gpus() + 7) / 8;  // HGX nodes of 8 GPUs
  return {set("model.card", row.card),
          set("hardware.gpu", row.gpu),
          set("hardware.nodes", std::to_string(nodes)),
          set("workload.closed_loop.concurrency", std::to_string(row.concurrency)),
          set("workload.closed_loop.requests",
              std::to_string(kSiliconRequestsPerClient * row.concurrency)),
          set("workload.closed_loop.input_tokens", std::to_string(row.isl)),
          set("workload.closed_loop.output_tokens", std::to_string(row.osl)),
          set("serving.max_num_seqs", std::to_string(row.batch)),
          set("serving.tensor_parallel", std::to_string(row.tp)),
          set("serving.data_parallel", std::to_string(row.attention_dp)),
          set("serving.pipeline_parallel", std::to_string(row.pp)),
          set("serving.moe_expert_parallel", std::to_string(row.moe_ep)),
          set("serving.moe_tensor_parallel", std::to_string(row.moe_tp)),
          set("serving.cost_model.backend", row.backend)};
}

std::vector<SiliconSimulated> simulate_silicon_rows(const std::filesystem::path& base,
                                                    const std::vector<SiliconRow>& rows,
                                                    const StrategyCatalog& catalog,
                                                    const std::vector<ScenarioOverride>& extra) {
  std::vector<SiliconSimulated> out(rows.size());
  run_in_parallel(rows.size(), [&](size_t i) {
    std::vector<ScenarioOverride> overrides = silicon_overrides(rows[i]);
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    // A deployment moesim refuses (it does not fit the GPU's memory, say) names its row.
    std::optional<ServingRun> built;
    try {
      built.emplace(load_scenario(base.string(), catalog, overrides), catalog);
    } catch (const ConfigError& e) {
      throw ConfigError(
          fmt::format("silicon row at line {} ({}): {}", rows[i].line, rows[i].id, e.what()));
    }
    ServingRun& run = *built;
    run.run();
    const ServingSimulation& sim = run.simulation();
    const ServingSummary s =
        summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
    out[i].ttft_ms = s.ttft_s.mean * 1e3;
    out[i].tpot_ms = s.tpot_s.mean * 1e3;
  });
  return out;
}

SiliconSuiteReport run_silicon_suite(const std::filesystem::path& base,
                                     const std::filesystem::path& table,
                                     const StrategyCatalog& catalog) {
  const SiliconRows read = read_silicon_rows(table, catalogue_hf_ids());
  if (read.rows.empty()) {
    throw ConfigError(fmt::format(
        "{}: no row to simulate (aggregated rows of an MoE model with a card, on a mapped system, "
        "with a client concurrency in the id)",
        table.string()));
  }
  const std::vector<SiliconSimulated> sim = simulate_silicon_rows(base, read.rows, catalog, {});
  SiliconSuiteReport report;
  std::map<std::string, std::vector<const ValidationRow*>> ttft, tpot;  // check rows by group
  std::map<std::string, size_t> fit_rows;
  for (size_t i = 0; i < read.rows.size(); ++i) {
    const SiliconRow& row = read.rows[i];
    const std::string target = fmt::format("{}/{}", row.fit ? "fit" : "check", row.id);
    report.rows.push_back(
        {"silicon", target, "ttft_ms", row.ttft_ms, sim[i].ttft_ms, kTtftMedianGoal});
    report.rows.push_back(
        {"silicon", target, "tpot_ms", row.tpot_ms, sim[i].tpot_ms, kTpotMedianGoal});
    if (row.fit) ++fit_rows[group_of(row)];
  }
  for (size_t i = 0; i < read.rows.size(); ++i) {
    if (read.rows[i].fit) continue;
    ttft[group_of(read.rows[i])].push_back(&report.rows[2 * i]);
    tpot[group_of(read.rows[i])].push_back(&report.rows[2 * i + 1]);
  }
  std::string& s = report.summary;
  s += fmt::format(
      "silicon: {} aggregated rows of MoE models in {} simulated with the operator database "
      "(closed loop, {} requests per client); fit rows: concurrency 8 and 64\n",
      read.rows.size(), table.filename().string(), kSiliconRequestsPerClient);
  for (const auto& [why, n] : read.skipped) s += fmt::format("  left out: {} rows, {}\n", n, why);
  const auto relabelled = std::count_if(read.rows.begin(), read.rows.end(),
                                        [](const SiliconRow& r) { return r.layout_from_id; });
  if (relabelled > 0) {
    s += fmt::format(
        "  {} rows whose id names another expert-parallel size than moe_ep_size run as the id "
        "says (one engine; silicon_rows.h)\n",
        relabelled);
  }
  size_t width = 32;  // the group column: at least 32 characters, wider for "... on GPU"
  for (const auto& entry : tpot) width = std::max(width, entry.first.size());
  s += fmt::format("\n{:<{}} {:>5} {:>5} {:>12} {:>12} {:>12} {:>12}\n", "model / backend", width,
                   "fit", "check", "TTFT median", "TTFT P90", "TPOT median", "TPOT P90");
  bool all_met = true;
  for (const auto& [group, rows] : tpot) {
    const ErrorSummary t = summarise_errors(ttft[group]);
    const ErrorSummary p = summarise_errors(rows);
    s += fmt::format("{:<{}} {:>5} {:>5} {:>11.1f}% {:>11.1f}% {:>11.1f}% {:>11.1f}%\n", group,
                     width, fit_rows[group], rows.size(), 100 * t.median_abs, 100 * t.p90_abs,
                     100 * p.median_abs, 100 * p.p90_abs);
    if (rows.size() < kMinGroupRows) {
      report.report_only_rows += 2 * rows.size();
      continue;
    }
    const auto goal = [&](const std::string& what, double value, double limit) {
      report.goals.push_back(
          {fmt::format("{}: {} {:.1f}% <= {:.0f}%", group, what, 100 * value, 100 * limit),
           value <= limit});
      all_met = all_met && value <= limit;
    };
    goal("TPOT median |error|", p.median_abs, kTpotMedianGoal);
    goal("TPOT P90 |error|", p.p90_abs, kTpotP90Goal);
    goal("TTFT median |error|", t.median_abs, kTtftMedianGoal);
  }
  s += fmt::format(
      "\nreproduce a row: moesim run scenarios/validation/{} followed by the row's --set list, "
      "e.g.\n  ",
      base.filename().string());

  if (!read.rows.empty()) {
    for (const ScenarioOverride& o : silicon_overrides(read.rows.front())) s += o.text + " ";
  }
  s += "\n";
  const bool judged = !report.goals.empty();
  if (!judged) {
    // Nothing to judge is not a pass: the verdict names why.
    report.goals.push_back(
        {fmt::format("judged: a model and backend with at least {} check rows", kMinGroupRows),
         false});
  }
  report.goals_met = judged && all_met;
  return report;
}

std::string silicon_calibration_text(const std::filesystem::path& base,
                                     const std::filesystem::path& table,
                                     const StrategyCatalog& catalog) {
  SiliconRows read = read_silicon_rows(table, catalogue_hf_ids());
  std::vector<SiliconRow> fit;
  for (const SiliconRow& row : read.rows)
    if (row.fit) fit.push_back(row);
  if (fit.empty()) {
    throw ConfigError(fmt::format(
        "{}: no fit rows to calibrate on (aggregated rows of an MoE model with a card, on a "
        "mapped system, at concurrency 8 or 64)",
        table.string()));
  }
  // The overhead is host time, but it is fitted against one GPU's kernel times: one at a time.
  for (const SiliconRow& row : fit) {
    if (row.gpu != fit.front().gpu) {
      throw ConfigError(fmt::format(
          "{}: fit rows on {} (line {}) and {} (line {}): calibrate one system's rows at a time",
          table.string(), fit.front().gpu, fit.front().line, row.gpu, row.line));
    }
  }
  const ScenarioOverride kernels_only{"serving.cost_model.framework_overhead", "none",
                                      "--set serving.cost_model.framework_overhead=none"};
  // Per backend, the front end: TTFT residual (measured - simulated, plus the front end the run
  // had) = request_us + prompt_token_us x prompt tokens + in_flight_us x other requests in
  // flight, least squares on relative error (weights 1/measured^2).
  std::map<std::string, FrontEndLatency> front_end;
  const auto refit_latency = [&](const std::vector<SiliconSimulated>& sim) {
    std::map<std::string, std::vector<FitEquation>> equations;
    for (size_t i = 0; i < fit.size(); ++i) {
      const double m = fit[i].ttft_ms;
      const std::string& b = fit[i].backend;
      const uint64_t others = others_in_flight(fit[i]);
      equations[b].push_back({{1.0, double(fit[i].isl), double(others)},
                              (m - sim[i].ttft_ms) * 1e3 + front_end[b].us(fit[i].isl, others),
                              1.0 / (m * m)});
    }
    for (const auto& [backend, eqs] : equations) {
      const std::vector<double> x = nonnegative_least_squares(eqs);
      front_end[backend] = {x[0], x[1], x[2]};
    }
  };
  // First the kernels alone; then again with each backend's latency, which changes how the
  // clients' requests meet in the engine: the latency is refitted and the TPOT line fitted on
  // that second run.
  refit_latency(simulate_silicon_rows(base, fit, catalog, {kernels_only}));
  std::vector<SiliconSimulated> sim(fit.size());
  for (const auto& [backend, front] : front_end) {
    std::vector<SiliconRow> mine;
    std::vector<size_t> index;
    for (size_t i = 0; i < fit.size(); ++i) {
      if (fit[i].backend != backend) continue;
      mine.push_back(fit[i]);
      index.push_back(i);
    }
    const std::string request = fmt::format("{:.0f} us", front.request_us);
    const std::string per_token = fmt::format("{:.3f} us", front.per_prompt_token_us);
    const std::string in_flight = fmt::format("{:.1f} us", front.per_in_flight_us);
    const auto out =
        simulate_silicon_rows(base, mine, catalog,
                              {kernels_only,
                               {"serving.cost_model.request_latency", request,
                                "--set serving.cost_model.request_latency=" + request},
                               {"serving.cost_model.prompt_token_latency", per_token,
                                "--set serving.cost_model.prompt_token_latency=" + per_token},
                               {"serving.cost_model.in_flight_latency", in_flight,
                                "--set serving.cost_model.in_flight_latency=" + in_flight}});
    for (size_t k = 0; k < index.size(); ++k) sim[index[k]] = out[k];
  }
  refit_latency(sim);
  // Per backend: TPOT residual = graph_us + per_sequence_us x sequences, weighted by
  // 1/measured^2 (relative errors).
  std::map<std::string, std::vector<FitEquation>> tpot;
  for (size_t i = 0; i < fit.size(); ++i) {
    const double m = fit[i].tpot_ms;
    tpot[fit[i].backend].push_back(
        {{1.0, decode_sequences(fit[i])}, (m - sim[i].tpot_ms) * 1e3, 1.0 / (m * m)});
  }
  std::string out = fmt::format(
      "# Fitted on the rows of {} with concurrency 8 or 64 (the suite's fit rows), on {},\n"
      "# per backend, against the kernels alone (framework_overhead none): TTFT residual =\n"
      "# request_us + prompt_token_us x prompt tokens + in_flight_us x (concurrency - 1), then\n"
      "# from a second run with them, all three refitted and TPOT residual = graph_us +\n"
      "# per_sequence_us x decode sequences (least squares on relative error, all >= 0);\n"
      "# eager_us = graph_us and per_token_us = 0 (the rows do not separate them).\n",
      table.filename().string(), fit.front().gpu);
  for (const auto& [backend, eqs] : tpot) {
    const std::vector<double> x = nonnegative_least_squares(eqs);
    const FrontEndLatency& front = front_end[backend];
    out += fmt::format(
        "  {}:  # {} fit rows\n    overhead: {{graph_us: {:.0f}, eager_us: {:.0f}, "
        "per_sequence_us: {:.1f}, per_token_us: 0,\n               request_us: {:.0f}, "
        "prompt_token_us: {:.2f}, in_flight_us: {:.0f}}}\n",
        backend, eqs.size(), x[0], x[0], x[1], front.request_us, front.per_prompt_token_us,
        front.per_in_flight_us);
  }
  return out;
}

}  // namespace moesim
