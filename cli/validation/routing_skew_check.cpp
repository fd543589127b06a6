#include "cli/validation/routing_skew_check.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "cli/validation/power_law_expert_counts.h"
#include "models/cost_model/expert_load_cost.h"
#include "sim/config_error.h"
#include "sim/rng.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr uint32_t kExperts = 256, kTopK = 8;  // DeepSeek-V3 routed experts, top-8
constexpr uint32_t kCheckEp = 8;               // target 4: EP8, rank 0
constexpr int kDraws = 16;                     // power-law draws per row (upstream: 5 or 10)
constexpr uint64_t kSeed = 4;                  // master seed of the draws' streams
constexpr double kThreshold = 0.20;            // roadmap goal for the skew effect
const std::vector<double> kRatioTokens = {1024, 4096, 16384};

/// (ep, distribution, tokens) -> measured ms.
using Table = std::map<std::tuple<uint32_t, std::string, uint64_t>, double>;

Table read_table(const std::filesystem::path& file) {
  const CsvTable t = CsvTable::read(file);
  const size_t ep = t.column("moe_ep_size"), dist = t.column("distribution");
  const size_t tokens = t.column("num_tokens"), latency = t.column("latency");
  const size_t experts = t.column("num_experts"), topk = t.column("topk");
  Table table;
  for (size_t r = 0; r < t.rows(); ++r) {
    if (t.number(r, experts) != kExperts || t.number(r, topk) != kTopK) {
      throw ConfigError(fmt::format("{}: row {} is not a DeepSeek-V3 shape (256 experts, top-8)",
                                    file.string(), r + 2));
    }
    table[{static_cast<uint32_t>(t.number(r, ep)), t.cell(r, dist),
           static_cast<uint64_t>(t.number(r, tokens))}] = t.number(r, latency);
  }
  return table;
}

std::vector<uint64_t> balanced_load(uint64_t tokens, const GroupedTopKRouter& router) {
  std::vector<uint64_t> load;
  router.add_rank0_pairs(collector_balanced_choices(tokens, kExperts, kTopK), load);
  return load;
}

/// Mean simulated rank-0 time over kDraws power-law routings.
double power_law_us(uint64_t tokens, double alpha, const GroupedTopKRouter& router,
                    const ExpertLoadCost& cost) {
  const PowerLawExpertCounts generator(alpha, kExperts, kTopK, kCheckEp);
  RngStreams streams(kSeed);
  double sum = 0;
  for (int d = 0; d < kDraws; ++d) {
    RngStream& rng = streams.stream(
        fmt::format("kernels/skew/ep{}/power_law_{}/tokens{}/draw{}", kCheckEp, alpha, tokens, d));
    const auto counts = generator.draw_counts(rng, tokens);
    std::vector<uint64_t> load;
    router.add_rank0_pairs(generator.assign_tokens(counts, tokens), load);
    sum += cost.block_us(load);
  }
  return sum / kDraws;
}

}  // namespace

RoutingSkewResult check_routing_skew(const std::filesystem::path& file, uint32_t groups,
                                     uint32_t top_groups, GroupScore score) {
  const Table table = read_table(file);
  RoutingSkewResult result;

  std::vector<ExpertLoadCost::Sample> fit;
  std::map<uint32_t, GroupedTopKRouter> routers;  // by EP size
  for (const auto& [key, ms] : table) {
    const auto& [ep, dist, tokens] = key;
    if (dist != "balanced") continue;
    const auto& router =
        routers.try_emplace(ep, kExperts, kTopK, groups, top_groups, ep, score).first->second;
    fit.push_back({balanced_load(tokens, router), ms * 1e3});
  }
  if (!routers.count(kCheckEp)) {
    throw ConfigError(fmt::format("{}: no balanced EP{} rows", file.string(), kCheckEp));
  }
  const ExpertLoadCost cost = ExpertLoadCost::fit(fit);
  result.fit_block_us = cost.fixed_us();
  result.fit_per_expert_us = cost.per_expert_us();
  result.fit_per_pair_us = cost.per_pair_us();
  std::vector<double> fit_errors;
  for (const auto& s : fit)
    fit_errors.push_back(std::abs(cost.block_us(s.tokens_per_expert) / s.time_us - 1));
  std::sort(fit_errors.begin(), fit_errors.end());
  result.fit_median_abs = fit_errors[fit_errors.size() / 2];

  const GroupedTopKRouter& router = routers.at(kCheckEp);
  for (const double alpha : {1.01, 1.2}) {
    const std::string dist = fmt::format("power_law_{}", alpha);
    for (const auto& [key, ms] : table) {
      const auto& [ep, d, tokens] = key;
      if (ep != kCheckEp || d != dist) continue;
      const double simulated = power_law_us(tokens, alpha, router, cost);
      result.rows.push_back(ValidationRow{
          "kernels",
          fmt::format("h100-skew/deepseek-v3-fp8-block/ep{}/{}/tokens{}", ep, dist, tokens),
          "time_us", ms * 1e3, simulated, kThreshold});
      if (std::find(kRatioTokens.begin(), kRatioTokens.end(), tokens) == kRatioTokens.end())
        continue;
      const auto balanced = table.find({kCheckEp, "balanced", tokens});
      if (balanced == table.end()) continue;
      const double measured_ratio = ms / balanced->second;
      const double simulated_ratio = simulated / cost.block_us(balanced_load(tokens, router));
      result.rows.push_back(
          ValidationRow{"kernels",
                        fmt::format("h100-skew/deepseek-v3-fp8-block/ep{}/{}_vs_balanced/tokens{}",
                                    ep, dist, tokens),
                        "time_ratio", measured_ratio, simulated_ratio, kThreshold});
      if (alpha == 1.2 && tokens == 4096) {
        result.ratio_4096 = simulated_ratio;
        result.measured_ratio_4096 = measured_ratio;
      }
      if (alpha == 1.2 && tokens == 16384) {
        result.ratio_16384 = simulated_ratio;
        result.measured_ratio_16384 = measured_ratio;
      }
    }
  }
  const auto within = [](double sim, double meas) {
    return meas > 0 && std::abs(sim / meas - 1) <= kThreshold;
  };
  result.goal_met = within(result.ratio_4096, result.measured_ratio_4096) &&
                    within(result.ratio_16384, result.measured_ratio_16384);
  return result;
}

}  // namespace moesim
