#include "cli/validation/cpu_suite.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/reference/swiglu_expert.h"
#include "models/reference/synthetic_weights.h"
#include "sim/rng.h"

namespace moesim {

namespace {
constexpr double kGoal = 0.15;  // median |rel_error|; also each row's own threshold
}  // namespace

CpuSuiteReport run_cpu_suite(const HostProfile& profile) {
  struct Shape {
    const char* name;
    uint32_t hidden, ffn;
  };
  constexpr Shape kShapes[] = {{"qwen3-30b-a3b", 2048, 768}, {"olmoe-1b-7b", 2048, 1024}};
  CpuSuiteReport report;
  RngStreams rng(1);
  for (const Shape& s : kShapes) {
    const kernels::SwigluWeights expert =
        kernels::make_synthetic_expert(s.hidden, s.ffn, rng.stream(s.name));
    for (uint32_t tokens = 1; tokens <= 512; tokens *= 2) {
      const kernels::Matrix x = kernels::make_synthetic_tokens(tokens, s.hidden, rng.stream("x"));
      const double seconds = median_seconds(5, [&] {
        const kernels::Matrix y = kernels::swiglu_forward(expert, x);
        if (y.rows() != x.rows()) throw std::logic_error("swiglu_forward changed the token count");
      });
      report.rows.push_back(ValidationRow{
          "cpu", fmt::format("swiglu/{}/tokens{}", s.name, tokens), "time_us", seconds * 1e6,
          predict_swiglu_seconds(profile, tokens, s.hidden, s.ffn) * 1e6, kGoal});
    }
  }
  std::vector<const ValidationRow*> all;
  for (const auto& r : report.rows) all.push_back(&r);
  const ErrorSummary e = summarise_errors(all);
  report.summary = fmt::format(
      "host profile: fp32 GEMM {:.1f} GFLOP/s at 1 row, {:.1f} at 512 rows; memory {:.1f} GB/s\n"
      "{:<36} {:>10} {:>10} {:>8}\n",
      profile.gemm_flops(1) / 1e9, profile.gemm_flops(512) / 1e9, profile.memory_bandwidth / 1e9,
      "expert batch", "measured", "predicted", "error");
  for (const auto& r : report.rows) {
    report.summary += fmt::format("{:<36} {:>8.1f}us {:>8.1f}us {:>7.1f}%\n", r.target, r.measured,
                                  r.simulated, 100 * r.rel_error());
  }
  report.goals_met = e.median_abs <= kGoal;
  report.goals.push_back(
      {fmt::format("median |rel_error| <= {:.0f}%", 100 * kGoal), report.goals_met});
  report.summary += fmt::format(
      "median |rel_error| {:.1f}%, P90 {:.1f}% over {} batches: goal <= {:.0f}% {} (a report, "
      "not a CI gate: timing on a shared machine is noisy)\n",
      100 * e.median_abs, 100 * e.p90_abs, e.count, 100 * kGoal,
      report.goals_met ? "met" : "NOT met");
  return report;
}

}  // namespace moesim
