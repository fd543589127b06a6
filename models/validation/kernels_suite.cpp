#include "models/validation/kernels_suite.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "models/cost_model/profiled_moe_table.h"
#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kGoal = 0.10;  // median |rel_error| per table (roadmap step 3)
constexpr uint32_t kHeldOutLevel = 32;  // RTX PRO 6000: activated-expert level held out whole

struct Point {
  double tokens;
  uint32_t activated;
  double time_us;
};

/// Splits one curve (same activated level) into fit and check points by the rule above.
void split_curve(std::vector<Point> curve, std::vector<Point>& fit, std::vector<Point>& check) {
  std::sort(curve.begin(), curve.end(), [](const Point& a, const Point& b) { return a.tokens < b.tokens; });
  for (size_t i = 0; i < curve.size(); ++i) {
    const bool fit_point = i % 2 == 0 || i + 1 == curve.size();
    (fit_point ? fit : check).push_back(curve[i]);
  }
}

/// Predicts the check points from a table of the fit points and appends validation rows.
void check_points(const std::vector<Point>& fit, const std::vector<Point>& check,
                  const std::string& target, std::vector<ValidationRow>& rows) {
  ProfiledMoeTable table;
  for (const Point& p : fit) table.add(p.tokens, p.activated, p.time_us);
  for (const Point& p : check) {
    const auto predicted = table.time_us(p.tokens, p.activated);
    if (!predicted) continue;  // outside the fit points: never the case for interior points
    rows.push_back(ValidationRow{"kernels",
                                 fmt::format("{}/tokens{}/experts{}", target, p.tokens, p.activated),
                                 "time_us", p.time_us, *predicted, kGoal});
  }
}

void rtx_pro_6000(const std::filesystem::path& file, std::vector<ValidationRow>& rows) {
  const CsvTable t = CsvTable::read(file);
  const size_t tokens = t.column("tokens"), activated = t.column("activated_experts");
  const size_t time = t.column("time_us");
  std::map<uint32_t, std::vector<Point>> levels;
  for (size_t r = 0; r < t.rows(); ++r) {
    const auto a = static_cast<uint32_t>(t.number(r, activated));
    levels[a].push_back(Point{t.number(r, tokens), a, t.number(r, time)});
  }
  std::vector<Point> fit, check;
  for (const auto& [level, curve] : levels) {
    if (level == kHeldOutLevel) {
      check.insert(check.end(), curve.begin(), curve.end());
    } else {
      split_curve(curve, fit, check);
    }
  }
  check_points(fit, check, "rtxpro6000/qwen3-30b-a3b", rows);
}

void h100_fused_moe(const std::filesystem::path& file, std::vector<ValidationRow>& rows) {
  const CsvTable t = CsvTable::read(file);
  const size_t tokens = t.column("num_tokens"), experts = t.column("num_experts");
  const size_t dtype = t.column("moe_dtype"), distribution = t.column("distribution");
  const size_t shape = t.column("model_shape"), latency = t.column("latency");
  std::map<std::string, std::vector<Point>> curves;  // by model shape and dtype
  for (size_t r = 0; r < t.rows(); ++r) {
    if (t.cell(r, distribution) != "balanced") continue;
    // One curve per shape: activated experts grow with tokens along it, so the curve is keyed
    // by the shape's expert count.
    curves[t.cell(r, shape) + "/" + t.cell(r, dtype)].push_back(
        Point{t.number(r, tokens), static_cast<uint32_t>(t.number(r, experts)),
              t.number(r, latency) * 1e3});  // ms -> us
  }
  for (const auto& [name, curve] : curves) {
    std::vector<Point> fit, check;
    split_curve(curve, fit, check);
    check_points(fit, check, "h100-vllm/" + name, rows);
  }
}

}  // namespace

KernelsSuiteReport run_kernels_suite(const std::filesystem::path& profiles_dir) {
  KernelsSuiteReport report;
  report.goals_met = true;
  auto out = std::back_inserter(report.summary);
  fmt::format_to(out, "{:<52} {:>5} {:>10} {:>10}\n", "table (check points)", "rows", "median|e|",
                 "P90|e|");
  const auto add_table = [&](const std::string& name, auto&& read) {
    const size_t first = report.rows.size();
    read(report.rows);
    std::vector<const ValidationRow*> rows;
    for (size_t i = first; i < report.rows.size(); ++i) rows.push_back(&report.rows[i]);
    const ErrorSummary s = summarise_errors(rows);
    const bool met = s.count > 0 && s.median_abs <= kGoal;
    report.goals_met = report.goals_met && met;
    fmt::format_to(out, "{:<52} {:>5} {:>9.1f}% {:>9.1f}%  goal <= 10%: {}\n", name, s.count,
                   100 * s.median_abs, 100 * s.p90_abs, met ? "met" : "NOT met");
  };
  add_table("RTX PRO 6000, Qwen3-30B-A3B MoE block (LLMServingSim)",
            [&](auto& rows) { rtx_pro_6000(profiles_dir / "rtxpro6000_qwen3_30b_a3b_moe_tp1.csv", rows); });
  add_table("H100, vLLM 0.24.0 fused MoE, TP1 EP1 balanced (aiconfigurator)",
            [&](auto& rows) { h100_fused_moe(profiles_dir / "h100_vllm_0.24.0_fused_moe_tp1_ep1.csv", rows); });
  return report;
}

}  // namespace moesim
