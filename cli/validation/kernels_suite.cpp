#include "cli/validation/kernels_suite.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cli/validation/routing_skew_check.h"
#include "models/cost_model/profiled_moe_table.h"
#include "sim/config/yaml_map.h"
#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kGoal = 0.10;  // median |rel_error| per table (roadmap step 3)

struct Point {
  double tokens;
  uint32_t activated;
  double time_us;
};

/// Splits one curve (same activated level) into fit and check points by the rule above.
void split_curve(std::vector<Point> curve, std::vector<Point>& fit, std::vector<Point>& check) {
  std::sort(curve.begin(), curve.end(),
            [](const Point& a, const Point& b) { return a.tokens < b.tokens; });
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
    rows.push_back(ValidationRow{
        "kernels", fmt::format("{}/tokens{}/experts{}", target, p.tokens, p.activated), "time_us",
        p.time_us, *predicted, kGoal});
  }
}

void moe_block(const KernelsSuiteTables::MoeBlock& block, std::vector<ValidationRow>& rows) {
  const CsvTable t = CsvTable::read(block.file);
  const size_t tokens = t.column("tokens"), activated = t.column("activated_experts");
  const size_t time = t.column("time_us");
  std::map<uint32_t, std::vector<Point>> levels;
  for (size_t r = 0; r < t.rows(); ++r) {
    const auto a = static_cast<uint32_t>(t.number(r, activated));
    levels[a].push_back(Point{t.number(r, tokens), a, t.number(r, time)});
  }
  std::vector<Point> fit, check;
  for (const auto& [level, curve] : levels) {
    if (level == block.held_out_level) {
      check.insert(check.end(), curve.begin(), curve.end());
    } else {
      split_curve(curve, fit, check);
    }
  }
  check_points(fit, check, block.target, rows);
}

void fused_moe(const KernelsSuiteTables::FusedMoe& fused, std::vector<ValidationRow>& rows) {
  const CsvTable t = CsvTable::read(fused.file);
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
    check_points(fit, check, fused.target + "/" + name, rows);
  }
}

/// One balanced bf16 fused-MoE row: the shape and the measured time.
struct ShapeRow {
  std::string shape;
  double tokens, hidden, inter, top_k, experts, time_us;
};

/// Roofline of the block: every activated expert reads its SwiGLU weights (3 H F bf16) and runs
/// 6 H F FLOPs per routed token, whichever takes longer at the given efficiencies of the GPU's
/// memory bandwidth and bf16 peak (its catalogue entry), plus one fixed cost per block.
/// Balanced routing activates min(E, T k) experts with T k / activated tokens each.
double roofline_us(const KernelsSuiteTables::FusedMoe& gpu, const ShapeRow& r,
                   double memory_efficiency, double compute_efficiency, double overhead_us) {
  constexpr double kBf16 = 2.0;  // bytes per weight
  const double selections = r.tokens * r.top_k;
  const double activated = std::min(r.experts, selections);
  const double weights_s =
      3 * r.hidden * r.inter * kBf16 / (gpu.memory_bandwidth * memory_efficiency);
  const double compute_s = 6 * r.hidden * r.inter * (selections / activated) /
                           (gpu.bf16_peak_flops * compute_efficiency);
  return overhead_us + activated * std::max(weights_s, compute_s) * 1e6;
}

/// A roofline per expert GEMM with efficiencies and a block overhead fitted on one shape
/// (roofline_fit_shape, bf16) and checked on the other bf16 shapes: does the cost model carry
/// over to models it was not fitted on? Reported without a goal. Grid over the efficiencies in
/// steps of 0.01; for each, the overhead minimising squared relative error has a closed form.
std::string roofline_transfer(const KernelsSuiteTables::FusedMoe& fused,
                              std::vector<ValidationRow>& rows) {
  const CsvTable t = CsvTable::read(fused.file);
  std::vector<ShapeRow> all;
  for (size_t r = 0; r < t.rows(); ++r) {
    if (t.cell(r, t.column("distribution")) != "balanced" ||
        t.cell(r, t.column("moe_dtype")) != "bfloat16")
      continue;
    all.push_back(ShapeRow{t.cell(r, t.column("model_shape")), t.number(r, t.column("num_tokens")),
                           t.number(r, t.column("hidden_size")),
                           t.number(r, t.column("inter_size")), t.number(r, t.column("topk")),
                           t.number(r, t.column("num_experts")),
                           t.number(r, t.column("latency")) * 1e3});
  }
  const std::string& fit_shape = fused.roofline_fit_shape;
  if (std::none_of(all.begin(), all.end(),
                   [&](const ShapeRow& r) { return r.shape == fit_shape; })) {
    throw ConfigError(fmt::format("{}: roofline_fit_shape: no balanced bfloat16 rows of \"{}\"",
                                  fused.file.string(), fit_shape));
  }
  double best_error = 1e300, best_m = 1, best_c = 1, best_overhead = 0;
  for (int im = 20; im <= 100; ++im) {
    for (int ic = 20; ic <= 100; ++ic) {
      const double em = im / 100.0, ec = ic / 100.0;
      double num = 0, den = 0, error = 0;
      for (const ShapeRow& r : all) {
        if (r.shape != fit_shape) continue;
        num += (1 - roofline_us(fused, r, em, ec, 0) / r.time_us) / r.time_us;
        den += 1 / (r.time_us * r.time_us);
      }
      const double overhead = std::max(0.0, num / den);
      for (const ShapeRow& r : all) {
        if (r.shape != fit_shape) continue;
        const double e = roofline_us(fused, r, em, ec, overhead) / r.time_us - 1;
        error += e * e;
      }
      if (error < best_error) {
        best_error = error;
        best_m = em;
        best_c = ec;
        best_overhead = overhead;
      }
    }
  }
  for (const ShapeRow& r : all) {
    if (r.shape == fit_shape) continue;
    rows.push_back(ValidationRow{
        "kernels", fmt::format("{}/{}/tokens{}", fused.roofline_target, r.shape, r.tokens),
        "time_us", r.time_us, roofline_us(fused, r, best_m, best_c, best_overhead), 0.2});
  }
  return fmt::format(
      "roofline fitted on {} bf16: memory efficiency {:.2f}, compute efficiency "
      "{:.2f}, block overhead {:.1f} us",
      fit_shape, best_m, best_c, best_overhead);
}

/// Target 4: the skew rows, the fitted constants, the goal, and how the goal ratios move under
/// two other readings of the collector's routing (reported only, never used for the goal).
void add_routing_skew(const KernelsSuiteTables::RoutingSkew& skew, KernelsSuiteReport& report) {
  const std::filesystem::path& table = skew.file;
  const RoutingSkewResult r = check_routing_skew(table, 8, 4, GroupScore::best_two_sum);
  report.rows.insert(report.rows.end(), r.rows.begin(), r.rows.end());
  report.skew_goal_met = r.goal_met;
  auto out = std::back_inserter(report.summary);
  std::vector<const ValidationRow*> times;
  for (const ValidationRow& row : r.rows) {
    if (row.metric == "time_us") times.push_back(&row);
  }
  const ErrorSummary s = summarise_errors(times);
  fmt::format_to(out, "{:<52} {:>5} {:>9.1f}% {:>9.1f}%  (no goal)\n", skew.label, s.count,
                 100 * s.median_abs, 100 * s.p90_abs);
  fmt::format_to(out,
                 "expert load cost fitted on the balanced EP2-256 rows: block {:.1f} us, "
                 "{:.2f} us per active expert, {:.4f} us per token-expert pair "
                 "(median |e| {:.1f}%)\n",
                 r.fit_block_us, r.fit_per_expert_us, r.fit_per_pair_us, 100 * r.fit_median_abs);
  const auto ratio_line = [&](const char* name, const RoutingSkewResult& x) {
    fmt::format_to(out, "  {}: 4096 tokens {:.3f} ({:+.1f}%), 16384 tokens {:.3f} ({:+.1f}%)\n",
                   name, x.ratio_4096, 100 * (x.ratio_4096 / x.measured_ratio_4096 - 1),
                   x.ratio_16384, 100 * (x.ratio_16384 / x.measured_ratio_16384 - 1));
  };
  fmt::format_to(out,
                 "skew effect, power_law_1.2 / balanced at EP8: measured 4096 tokens {:.3f}, "
                 "16384 tokens {:.3f}; goal within 20%: {}\n",
                 r.measured_ratio_4096, r.measured_ratio_16384, r.goal_met ? "met" : "NOT met");
  ratio_line("simulated, groups ranked by best two", r);
  ratio_line("other reading, groups ranked by best one",
             check_routing_skew(table, 8, 4, GroupScore::best_one));
  ratio_line("other reading, plain top-8 (no groups)",
             check_routing_skew(table, 1, 1, GroupScore::best_one));
}

}  // namespace

KernelsSuiteReport run_kernels_suite(const KernelsSuiteTables& tables) {
  KernelsSuiteReport report;
  report.goals_met = true;
  auto out = std::back_inserter(report.summary);
  fmt::format_to(out, "{:<52} {:>5} {:>10} {:>10}\n", "table (check points)", "rows", "median|e|",
                 "P90|e|");
  const auto add_table = [&](const std::string& name, auto&& read, bool has_goal) {
    const size_t first = report.rows.size();
    read(report.rows);
    std::vector<const ValidationRow*> rows;
    for (size_t i = first; i < report.rows.size(); ++i) rows.push_back(&report.rows[i]);
    const ErrorSummary s = summarise_errors(rows);
    const bool met = s.count > 0 && s.median_abs <= kGoal;
    if (has_goal) report.goals_met = report.goals_met && met;
    fmt::format_to(out, "{:<52} {:>5} {:>9.1f}% {:>9.1f}%  {}\n", name, s.count, 100 * s.median_abs,
                   100 * s.p90_abs,
                   has_goal ? (met ? "goal <= 10%: met" : "goal <= 10%: NOT met") : "(no goal)");
  };
  if (!tables.moe_block.file.empty()) {
    add_table(
        tables.moe_block.label, [&](auto& rows) { moe_block(tables.moe_block, rows); }, true);
  }
  if (!tables.fused_moe.file.empty()) {
    add_table(
        tables.fused_moe.label, [&](auto& rows) { fused_moe(tables.fused_moe, rows); }, true);
    std::string fitted;
    add_table(
        tables.fused_moe.roofline_label,
        [&](auto& rows) { fitted = roofline_transfer(tables.fused_moe, rows); }, false);
    fmt::format_to(out, "{}\n", fitted);
  }
  if (!tables.routing_skew.file.empty()) add_routing_skew(tables.routing_skew, report);
  return report;
}

std::filesystem::path default_kernels_tables(const std::filesystem::path& profiles_dir) {
  return profiles_dir / "kernels_suite.yaml";
}

KernelsSuiteTables read_kernels_tables(const std::filesystem::path& file,
                                       const HardwareCatalogue& catalogue) {
  YamlMap root(load_yaml_file(file.string()), file.string(), "");
  const std::filesystem::path dir = file.parent_path();
  const auto path_of = [&](YamlMap& m) { return (dir / m.get_string("file")).lexically_normal(); };
  KernelsSuiteTables t;
  if (root.has("moe_block")) {
    YamlMap m = root.get_map("moe_block");
    t.moe_block.label = m.get_string("label");
    t.moe_block.target = m.get_string("target");
    t.moe_block.file = path_of(m);
    if (m.has("held_out_level")) {
      t.moe_block.held_out_level = static_cast<uint32_t>(m.get_uint("held_out_level", 1, 1 << 16));
    }
    m.finish();
  }
  if (root.has("fused_moe")) {
    YamlMap m = root.get_map("fused_moe");
    KernelsSuiteTables::FusedMoe& f = t.fused_moe;
    f.label = m.get_string("label");
    f.target = m.get_string("target");
    f.file = path_of(m);
    const std::string gpu = m.get_string("gpu");
    if (!catalogue.has_gpu(gpu)) {
      m.fail("gpu", fmt::format("unknown GPU \"{}\" (gpus.yaml has: {})", gpu,
                                joined_names(catalogue.gpus())));
    }
    const GpuSpec& spec = catalogue.gpu(gpu);
    const auto bf16 = spec.peak_flops_by_dtype.find("bf16");
    if (bf16 == spec.peak_flops_by_dtype.end()) {
      m.fail("gpu", fmt::format("GPU \"{}\" has no bf16 peak in gpus.yaml", gpu));
    }
    f.memory_bandwidth = spec.memory_bandwidth;
    f.bf16_peak_flops = bf16->second;
    f.roofline_label = m.get_string("roofline_label");
    f.roofline_target = m.get_string("roofline_target");
    f.roofline_fit_shape = m.get_string("roofline_fit_shape");
    m.finish();
  }
  if (root.has("routing_skew")) {
    YamlMap m = root.get_map("routing_skew");
    t.routing_skew.label = m.get_string("label");
    t.routing_skew.file = path_of(m);
    m.finish();
  }
  root.finish();
  return t;
}

}  // namespace moesim
