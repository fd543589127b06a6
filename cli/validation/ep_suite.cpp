#include "cli/validation/ep_suite.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "cli/validation/deepep_fit.h"
#include "cli/validation/deepep_tables.h"
#include "cli/validation/routing_skew_check.h"
#include "models/comm/deepep_model.h"

namespace moesim {
namespace {

constexpr double kGoal = 0.15;                // median |rel_error| per table, check rows
constexpr double kPublishedThreshold = 0.25;  // report-only rows
// DeepEP's published runs do not state their SM budget here; on the H800 they are link-bound
// from about 10 SMs, so any budget above that gives the same times.
constexpr uint32_t kPublishedSms = 24;
constexpr EpKernel kKernels[] = {EpKernel::dispatch, EpKernel::combine};

std::string shape_name(const EpShape& s) {
  return fmt::format("h{}/k{}/e{}", s.hidden, s.top_k, s.experts);
}

std::vector<const ValidationRow*> pointers(const std::vector<ValidationRow>& rows,
                                           const std::vector<size_t>& idx) {
  std::vector<const ValidationRow*> p;
  for (const size_t i : idx) p.push_back(&rows[i]);
  return p;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Check rows of one table, with the per-kernel and per-table lines of the summary.
void add_table(const EpTable& table, const DeepEpModel& model,
               const std::vector<EpMeasurement>& rows, EpSuiteReport& report) {
  auto out = std::back_inserter(report.summary);
  std::vector<size_t> both;
  for (const EpKernel kernel : kKernels) {
    std::vector<size_t> idx;
    std::vector<double> fit_errors;
    for (const EpMeasurement& m : rows) {
      const double simulated = model_time_us(model, m, table.family, kernel);
      const double measured = row_time_us(m, kernel);
      if (m.fit_row) {
        fit_errors.push_back(std::abs(simulated / measured - 1));
        continue;
      }
      ValidationRow row;
      row.suite = "ep";
      row.target = fmt::format("{}/{}/{}/{}/t{}", table.name, to_string(table.family),
                               to_string(kernel), shape_name(m.shape), m.shape.tokens_per_rank);
      if (m.sms > 0) row.target += fmt::format("/sm{}", m.sms);
      row.metric = "time_us";
      row.measured = measured;
      row.simulated = simulated;
      row.threshold = kGoal;
      idx.push_back(report.rows.size());
      report.rows.push_back(row);
    }
    both.insert(both.end(), idx.begin(), idx.end());
    const ErrorSummary s = summarise_errors(pointers(report.rows, idx));
    fmt::format_to(out, "{:<10} {:<7} {:<9} {:>5} {:>9.1f}% {:>9.1f}%  fit rows: {} at {:.1f}%\n",
                   table.name, to_string(table.family), to_string(kernel), s.count,
                   100 * s.median_abs, 100 * s.p90_abs, fit_errors.size(),
                   100 * median_of(fit_errors));
  }
  const ErrorSummary s = summarise_errors(pointers(report.rows, both));
  const bool met = s.count > 0 && s.median_abs <= kGoal;
  fmt::format_to(out, "{:<10} {:<7} {:<9} {:>5} {:>9.1f}% {:>9.1f}%  goal <= 15%: {}\n", table.name,
                 to_string(table.family), "both", s.count, 100 * s.median_abs, 100 * s.p90_abs,
                 met ? "met" : "NOT met");
  report.goals.push_back({fmt::format("{} {} check rows: median |rel_error| <= 15%", table.name,
                                      to_string(table.family)),
                          met});
}

/// Knee rows of a normal table's check shapes at their largest token count.
void add_knees(const EpTable& table, const DeepEpModel& model,
               const std::vector<EpMeasurement>& rows, EpSuiteReport& report) {
  auto out = std::back_inserter(report.summary);
  uint64_t largest = 0;
  for (const EpMeasurement& m : rows) largest = std::max(largest, m.shape.tokens_per_rank);
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::vector<const EpMeasurement*>> shapes;
  for (const EpMeasurement& m : rows) {
    if (!m.fit_row && m.shape.tokens_per_rank == largest) {
      shapes[{m.shape.hidden, m.shape.top_k, m.shape.experts}].push_back(&m);
    }
  }
  fmt::format_to(out, "{} normal, SM-budget knee at {} tokens per rank (measured / model):\n",
                 table.name, largest);
  size_t within = 0, total = 0;
  for (auto& [key, curve] : shapes) {
    std::sort(curve.begin(), curve.end(), [](auto* a, auto* b) { return a->sms < b->sms; });
    std::vector<uint32_t> sms;
    for (const EpMeasurement* m : curve) sms.push_back(m->sms);
    const uint32_t step = sms.size() > 1 ? sms[1] - sms[0] : 1;
    std::string line = fmt::format("  {:<16}", shape_name(curve.front()->shape));
    for (const EpKernel kernel : kKernels) {
      std::vector<double> measured, simulated;
      for (const EpMeasurement* m : curve) {
        measured.push_back(row_time_us(*m, kernel));
        simulated.push_back(model_time_us(model, *m, EpFamily::normal, kernel));
      }
      ValidationRow row;
      row.suite = "ep";
      row.target = fmt::format("{}/normal/{}/{}/t{}/knee", table.name, to_string(kernel),
                               shape_name(curve.front()->shape), largest);
      row.metric = "knee_sms";
      row.measured = sm_budget_knee(sms, measured);
      row.simulated = sm_budget_knee(sms, simulated);
      row.threshold = step / row.measured;  // one table step
      within += std::abs(row.simulated - row.measured) <= step ? 1 : 0;
      ++total;
      line += fmt::format(" {} {:>2} / {:>2}", to_string(kernel), row.measured, row.simulated);
      report.rows.push_back(row);
    }
    fmt::format_to(out, "{}\n", line);
  }
  const bool met = total > 0 && within == total;
  fmt::format_to(out, "  knees within one step (4 SMs): {}/{}  goal every knee: {}\n", within,
                 total, met ? "met" : "NOT met");
  report.goals.push_back(
      {fmt::format("{} normal: every SM-budget knee within one step", table.name), met});
}

/// DeepEP's published H800 figures (deepseek-ai/DeepEP@dd758caf docs/legacy.md, via
/// ../shared/reference/strategies.md s5.5): H100 constants on the H800's NVLink and a CX7 NIC.
void add_published(const DeepEpModel& h100, const HardwareCatalogue& catalogue,
                   EpSuiteReport& report) {
  DeepEpConstants c = h100.constants();  // H800: the H100's SM90 die with NVLink cut
  c.nvlink_bandwidth = catalogue.link(catalogue.gpu("H800").scale_up_link).bandwidth;
  c.nic_bandwidth = catalogue.link("infiniband_ndr").bandwidth;  // ConnectX-7 400 Gb/s
  const DeepEpModel h800(c);
  const size_t first = report.rows.size();
  const auto add = [&](std::string target, std::string metric, double measured, double simulated) {
    report.rows.push_back(
        {"ep", std::move(target), std::move(metric), measured, simulated, kPublishedThreshold});
    ++report.report_only_rows;
  };
  // Normal kernels, 4096 tokens, hidden 7168, top-8 of 256: bottleneck GB/s (NVLink for EP8,
  // RDMA above); the model's is the bottleneck link's bytes over the modelled time.
  const struct {
    uint32_t ep;
    double dispatch, combine;
  } normal[] = {{8, 153, 158}, {16, 43, 43}, {32, 58, 57}, {64, 51, 50}};
  for (const auto& p : normal) {
    const EpShape shape{4096, 7168, 8, 256, p.ep, p.ep / 8};
    for (const EpKernel kernel : kKernels) {
      const bool dispatch = kernel == EpKernel::dispatch;
      const double bytes = dispatch ? DeepEpModel::fp8_token_bytes(shape.hidden)
                                    : DeepEpModel::bf16_token_bytes(shape.hidden);
      const EpTraffic t = DeepEpModel::uniform_traffic(shape, bytes, EpCopies::per_rank);
      const double us = dispatch ? h800.normal_dispatch_us(t, kPublishedSms)
                                 : h800.normal_combine_us(t, kPublishedSms);
      const double link_bytes = p.ep == 8 ? t.send_bytes : t.nic_bytes;
      add(fmt::format("published/h800/normal/{}/ep{}/t4096", to_string(kernel), p.ep),
          p.ep == 8 ? "nvlink_gbps" : "rdma_gbps", dispatch ? p.dispatch : p.combine,
          link_bytes / us * 1e-3);
    }
  }
  // Low-latency kernels, pure RDMA, 128 tokens, hidden 7168, top-8 of 256: latency in us.
  const struct {
    uint32_t ep;
    double dispatch, combine;
  } ll[] = {{16, 118, 195}, {32, 155, 273}, {64, 173, 314}, {128, 192, 369}, {256, 194, 360}};
  for (const auto& p : ll) {
    const EpShape shape{128, 7168, 8, 256, p.ep, p.ep / 8};
    const EpTraffic d = DeepEpModel::uniform_traffic(
        shape, DeepEpModel::ll_dispatch_message_bytes(shape.hidden), EpCopies::per_expert);
    const EpTraffic b = DeepEpModel::uniform_traffic(
        shape, DeepEpModel::bf16_token_bytes(shape.hidden), EpCopies::per_expert);
    add(fmt::format("published/h800/ll/dispatch/ep{}/t128", p.ep), "time_us", p.dispatch,
        h800.low_latency_dispatch_us(d));
    add(fmt::format("published/h800/ll/combine/ep{}/t128", p.ep), "time_us", p.combine,
        h800.low_latency_combine_us(b));
  }
  fmt::format_to(std::back_inserter(report.summary),
                 "published H800 internode (report-only, {} rows; H100 constants, H800 NVLink, "
                 "CX7 at line rate):\n",
                 report.rows.size() - first);
  for (auto it = report.rows.begin() + first; it != report.rows.end(); ++it) {
    fmt::format_to(std::back_inserter(report.summary),
                   "  {:<40} {:<11} {:>7.1f} {:>7.1f} {:+.0f}%\n", it->target, it->metric,
                   it->measured, it->simulated, 100 * it->rel_error());
  }
}

}  // namespace

uint32_t sm_budget_knee(const std::vector<uint32_t>& sms, const std::vector<double>& times_us) {
  for (size_t i = 0; i < sms.size(); ++i) {
    bool flat = true;
    for (size_t j = i + 1; j < sms.size(); ++j)
      flat = flat && times_us[i] / times_us[j] - 1 < kKneeGain;
    if (flat) return sms[i];
  }
  return sms.empty() ? 0 : sms.back();
}

EpSuiteReport run_ep_suite(const std::filesystem::path& measured_dir,
                           const std::filesystem::path& catalogue_dir,
                           const HardwareCatalogue& catalogue,
                           const std::filesystem::path& profiles_dir) {
  EpSuiteReport report;
  auto out = std::back_inserter(report.summary);
  fmt::format_to(out, "{:<10} {:<7} {:<9} {:>5} {:>10} {:>10}\n", "table", "family", "kernel",
                 "rows", "median|e|", "P90|e|");
  std::map<std::string, DeepEpModel> models;
  std::vector<std::vector<EpMeasurement>> tables;
  for (const EpTable& table : ep_tables()) {
    if (!models.count(table.gpu)) {
      models.emplace(table.gpu, DeepEpModel::load(catalogue_dir, table.gpu, catalogue));
    }
    tables.push_back(read_deepep_table(measured_dir / "deepep" / table.file, table.family));
    add_table(table, models.at(table.gpu), tables.back(), report);
  }
  for (size_t i = 0; i < ep_tables().size(); ++i) {
    const EpTable& table = ep_tables()[i];
    if (table.family == EpFamily::normal) add_knees(table, models.at(table.gpu), tables[i], report);
  }
  // Target 4 (routing skew), as the kernels suite checks it.
  const RoutingSkewResult skew = check_routing_skew(
      profiles_dir / "h100_vllm_0.24.0_fused_moe_deepseek_v3_fp8_block_tp1_ep.csv", 8, 4,
      GroupScore::best_two_sum);
  for (ValidationRow row : skew.rows) {
    row.suite = "ep";
    if (row.metric == "time_us") ++report.report_only_rows;  // no goal: the ratio has
    report.rows.push_back(row);
  }
  fmt::format_to(out,
                 "target 4, power_law_1.2 / balanced at EP8: 4096 tokens {:.3f} (measured {:.3f}), "
                 "16384 tokens {:.3f} (measured {:.3f}); goal within 20%: {}\n",
                 skew.ratio_4096, skew.measured_ratio_4096, skew.ratio_16384,
                 skew.measured_ratio_16384, skew.goal_met ? "met" : "NOT met");
  report.goals.push_back({"target 4: routing-skew ratio within 20%", skew.goal_met});
  add_published(models.at("H100-SXM"), catalogue, report);
  report.goals_met = std::all_of(report.goals.begin(), report.goals.end(),
                                 [](const ValidationGoal& g) { return g.met; });
  return report;
}

std::string ep_calibration_text(const std::filesystem::path& measured_dir,
                                const std::filesystem::path& catalogue_dir,
                                const HardwareCatalogue& catalogue) {
  std::string text = "# Fitted on the fit rows of each table (cli/validation/deepep_tables.h).\n";
  auto out = std::back_inserter(text);
  std::string gpu;
  for (const EpTable& table : ep_tables()) {
    const DeepEpModel model = DeepEpModel::load(catalogue_dir, table.gpu, catalogue);
    if (table.gpu != gpu) fmt::format_to(out, "{}:\n", gpu = table.gpu);
    const bool normal = table.family == EpFamily::normal;
    fmt::format_to(out, "  {}:  # {}\n", normal ? "normal" : "low_latency", table.file);
    const auto rows = read_deepep_table(measured_dir / "deepep" / table.file, table.family);
    for (const EpKernel kernel : kKernels) {
      const EpFit fit =
          fit_ep_kernel(fit_points(rows, table.family, kernel, model.constants().device_sms),
                        normal, normal, model.constants().nvlink_bandwidth);
      const EpKernelConstants& c = fit.constants;
      fmt::format_to(out, "    {}: {{latency: \"{:.2f} us\", ", to_string(kernel), c.latency_us);
      if (normal) {
        fmt::format_to(out, "latency_per_hidden: \"{:.3f} ns\", per_token: \"{:.1f} ns\", ",
                       c.latency_per_hidden_us * 1e3, c.per_token_us * 1e3);
      }
      fmt::format_to(out,
                     "sm_rate: \"{:.2f} GB/s\", link_efficiency: {:.3f}}}  # fit median |e| "
                     "{:.1f}%\n",
                     c.sm_rate * 1e-9, c.link_efficiency, 100 * fit.median_abs);
    }
  }
  return text;
}

}  // namespace moesim
