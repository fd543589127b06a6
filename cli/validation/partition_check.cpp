#include "cli/validation/partition_check.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/app/layer_simulation.h"
#include "models/reference/expert_partition.h"
#include "models/reference/payload_rounding.h"
#include "models/reference/synthetic_weights.h"

namespace moesim {
namespace {

/// fp32 accumulation over H + F terms per output element, in a different order per partition:
/// a relative error of a few units of 2^-24 times the term count, with margin. A lost rank
/// shifts the output by O(1 / ranks), orders of magnitude above this.
double fp32_tolerance(const MoeLayerShape& shape) {
  return 8.0 * (shape.hidden_size + shape.expert_ffn_size) * std::ldexp(1.0, -24);
}

/// A matrix of uniform draws in [-a, a] with standard deviation `stddev` (a = sqrt(3) stddev).
/// Expert weights at real sizes run to billions of values; one uniform draw is several times
/// cheaper than a normal one, and any seeded distribution serves an exactness check.
kernels::Matrix uniform_matrix(uint32_t rows, uint32_t cols, double stddev, RngStream& rng) {
  kernels::Matrix m(rows, cols);
  const double a = std::sqrt(3.0) * stddev;
  float* data = m.data();
  const size_t count = static_cast<size_t>(rows) * cols;
  for (size_t i = 0; i < count; ++i)
    data[i] = static_cast<float>(a * (2.0 * rng.uniform01() - 1.0));
  return m;
}

kernels::SwigluWeights uniform_expert(uint32_t hidden, uint32_t ffn, RngStream& rng) {
  const double in_scale = 1.0 / std::sqrt(static_cast<double>(hidden));
  const double down_scale = 1.0 / std::sqrt(static_cast<double>(ffn));
  return kernels::SwigluWeights{uniform_matrix(hidden, ffn, in_scale, rng),
                                uniform_matrix(hidden, ffn, in_scale, rng),
                                uniform_matrix(ffn, hidden, down_scale, rng)};
}

/// The first `tokens` tokens of the scenario's routing with combine weights: softmax over the
/// chosen experts of logits from a seeded synthetic router (renormalised top-k).
kernels::RoutedTokens routed_prefix(const TokenRouting& routing, uint32_t tokens,
                                    const kernels::Matrix& x, RngStream& rng) {
  kernels::RouterWeights router;
  router.weight = kernels::make_normal_matrix(static_cast<uint32_t>(x.cols()), routing.num_experts,
                                              1.0 / std::sqrt(static_cast<double>(x.cols())), rng);
  const kernels::Matrix logits = kernels::router_logits(router, x);
  kernels::RoutedTokens routed;
  routed.routing.clear(routing.num_experts);
  for (uint32_t t = 0; t < tokens; ++t) {
    const auto chosen = routing.choices(t);
    double top = -1e300, sum = 0.0;
    for (const uint32_t e : chosen) top = std::max(top, static_cast<double>(logits(t, e)));
    for (const uint32_t e : chosen) sum += std::exp(logits(t, e) - top);
    for (const uint32_t e : chosen) {
      routed.routing.experts.push_back(e);
      routed.weights.push_back(static_cast<float>(std::exp(logits(t, e) - top) / sum));
    }
    routed.routing.close_token();
  }
  return routed;
}

struct CombinePlan {
  CombineOrder order;
  uint32_t ranks_per_node;
  bool drop_rank0;
  std::string combine_dtype;  // "" : fp32 partials (the exactness check)
};

/// A partial result as it travels: rounded to the combine dtype when one is given.
kernels::Matrix travel(const kernels::Matrix& m, const CombinePlan& plan) {
  return plan.combine_dtype.empty() ? m : kernels::as_sent(m, plan.combine_dtype);
}

/// The layer's output summed the way the dispatch strategy's combine sums it. Rank 0's results
/// are lost on the way when the plan says so (the check must then fail).
kernels::Matrix combine(const CombinePlan& plan,
                        const std::vector<const kernels::SwigluWeights*>& experts,
                        const kernels::Matrix& x,
                        const std::vector<std::vector<kernels::ExpertWork>>& shards) {
  const auto ranks = static_cast<uint32_t>(shards.size());
  std::vector<kernels::Matrix> partial(ranks);
  kernels::Matrix out = kernels::Matrix::Zero(x.rows(), x.cols());
  for (uint32_t r = 0; r < ranks; ++r) {
    if (plan.order == CombineOrder::kPerExpert) {  // every expert's output home on its own
      for (const kernels::ExpertWork& w : shards[r]) {
        if (!(plan.drop_rank0 && r == 0))
          out += travel(kernels::routed_output(experts, x, std::span(&w, 1)), plan);
      }
      continue;
    }
    partial[r] = plan.drop_rank0 && r == 0 ? kernels::Matrix::Zero(x.rows(), x.cols())
                                           : kernels::routed_output(experts, x, shards[r]);
  }
  switch (plan.order) {
    case CombineOrder::kPerExpert:
      break;
    case CombineOrder::kPerRank:
      for (uint32_t r = 0; r < ranks; ++r) out += travel(partial[r], plan);
      break;
    case CombineOrder::kPerNode:
      for (uint32_t n = 0; n * plan.ranks_per_node < ranks; ++n) {
        kernels::Matrix node = kernels::Matrix::Zero(x.rows(), x.cols());
        for (uint32_t r = n * plan.ranks_per_node;
             r < std::min(ranks, (n + 1) * plan.ranks_per_node); ++r) {
          node += travel(partial[r], plan);
        }
        out += travel(node, plan);
      }
      break;
    case CombineOrder::kRing:
      // Token t's sum ends at its home h (contiguous blocks): it starts at h + 1 and gathers
      // every rank's partial around the ring, travelling between ranks each step.
      for (Eigen::Index t = 0; t < x.rows(); ++t) {
        const auto home = static_cast<uint32_t>(t * ranks / x.rows());
        kernels::Matrix acc = kernels::Matrix::Zero(1, x.cols());
        for (uint32_t step = 1; step <= ranks; ++step) {
          acc = travel(acc + partial[(home + step) % ranks].row(t), plan);
        }
        out.row(t) = acc;
      }
      break;
  }
  return out;
}

}  // namespace

PartitionCheckReport check_partition(const ScenarioConfig& config, const StrategyCatalog& catalog,
                                     const PartitionCheckOptions& options) {
  const LayerSimulation sim(config, catalog);  // the scenario's routing and placement
  const TokenRouting& routing = sim.routing();
  const ExpertPlacement& placement = sim.placement();
  const MoeLayerShape& shape = config.model;
  PartitionCheckReport report;
  report.tokens = std::min<uint32_t>(options.tokens, static_cast<uint32_t>(routing.tokens()));
  if (report.tokens == 0) throw std::invalid_argument("validate needs at least one token");

  RngStreams rng(config.seed);
  const kernels::Matrix x = kernels::make_synthetic_tokens(report.tokens, shape.hidden_size,
                                                           rng.stream("validate/tokens"));
  const kernels::RoutedTokens routed =
      routed_prefix(routing, report.tokens, x, rng.stream("validate/router"));
  const std::vector<kernels::ExpertWork> per_expert = kernels::work_by_expert(routed);

  // Weights at the model's real sizes, drawn only for experts the checked tokens reach.
  std::vector<kernels::SwigluWeights> storage(shape.num_experts);
  std::vector<const kernels::SwigluWeights*> experts(shape.num_experts, nullptr);
  RngStream& weight_rng = rng.stream("validate/experts");
  for (const kernels::ExpertWork& w : per_expert) {
    storage[w.expert] = uniform_expert(shape.hidden_size, shape.expert_ffn_size, weight_rng);
    experts[w.expert] = &storage[w.expert];
  }

  const kernels::Matrix reference = kernels::routed_output(experts, x, per_expert);
  std::vector<std::vector<kernels::ExpertWork>> shards(placement.ranks);
  for (uint32_t rank = 0; rank < placement.ranks; ++rank) {
    shards[rank] = kernels::shard_by_placement(per_expert, placement, rank);
    std::string line = fmt::format("rank {}:", rank);
    size_t selections = 0;
    for (const kernels::ExpertWork& w : shards[rank]) {
      line += fmt::format(" e{}x{}", w.expert, w.tokens.size());
      selections += w.tokens.size();
    }
    report.partition += fmt::format("{} ({} token-expert pairs)\n", line, selections);
  }
  const DispatchStrategy& dispatch = sim.dispatch();
  const uint32_t per_node = config.system.nodes > 1 ? config.system.gpus : placement.ranks;
  CombinePlan plan{dispatch.combine_order(), per_node, options.drop_rank0, ""};
  report.dispatch = fmt::format("{} (combine {})", config.dispatch.name, to_string(plan.order));
  const kernels::Matrix combined = combine(plan, experts, x, shards);
  report.max_abs_error = (combined - reference).cwiseAbs().maxCoeff();
  const double norm = reference.norm();
  report.rel_l2_error = norm > 0.0 ? (combined - reference).norm() / norm : 0.0;
  report.ranks = placement.ranks;
  report.tolerance = fp32_tolerance(shape);
  report.passed = report.rel_l2_error <= report.tolerance;
  // The same exchange with the payload as sent: tokens in the dispatch dtype, each partial
  // result in the combine dtype. Lossy (bf16, fp8): reported, no tolerance.
  const PayloadDtypes dtypes = dispatch.payload_dtypes();
  plan.combine_dtype = dtypes.combine;
  const kernels::Matrix sent = combine(plan, experts, kernels::as_sent(x, dtypes.dispatch), shards);
  report.payload_dtypes = fmt::format("{} out, {} back", dtypes.dispatch, dtypes.combine);
  report.payload_rel_l2_error = norm > 0.0 ? (sent - reference).norm() / norm : 0.0;
  return report;
}

}  // namespace moesim
