#include "models/reference/router.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "models/reference/top_k.h"

namespace moesim::kernels {

void validate_router(const RouterConfig& config, uint32_t num_experts) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("router: " + what); };
  if (num_experts == 0) fail("num_experts must be >= 1");
  if (config.top_k == 0) fail("top_k must be >= 1");
  if (config.n_group == 0 || num_experts % config.n_group != 0) {
    fail("n_group = " + std::to_string(config.n_group) +
         " must divide num_experts = " + std::to_string(num_experts));
  }
  if (config.topk_group == 0 || config.topk_group > config.n_group) {
    fail("topk_group = " + std::to_string(config.topk_group) +
         " must be in [1, n_group = " + std::to_string(config.n_group) + "]");
  }
  const uint32_t reachable = config.topk_group * (num_experts / config.n_group);
  if (config.top_k > reachable) {
    fail("top_k = " + std::to_string(config.top_k) + " exceeds the " + std::to_string(reachable) +
         " experts in the kept groups");
  }
}

Matrix router_logits(const RouterWeights& weights, const Matrix& x) {
  if (x.cols() != weights.weight.rows()) {
    throw std::invalid_argument("router_logits: tokens have " + std::to_string(x.cols()) +
                                " features, router expects " +
                                std::to_string(weights.weight.rows()));
  }
  Matrix logits = x * weights.weight;
  if (weights.bias.size() != 0) logits.rowwise() += weights.bias.transpose();
  return logits;
}

Matrix router_scores(RouterScoring scoring, const Matrix& logits) {
  Matrix scores(logits.rows(), logits.cols());
  if (scoring == RouterScoring::kSigmoid) {
    scores = (1.0f + (-logits.array()).exp()).inverse().matrix();
    return scores;
  }
  for (Eigen::Index t = 0; t < logits.rows(); ++t) {
    // Shifting by the row maximum keeps exp() in range without changing the softmax.
    const float max = logits.row(t).maxCoeff();
    scores.row(t) = (logits.row(t).array() - max).exp().matrix();
    scores.row(t) /= scores.row(t).sum();
  }
  return scores;
}

namespace {

/// The experts a token may choose from: all, or those of its topk_group best groups.
void candidate_experts(const RouterConfig& config, std::span<const float> biased,
                       std::vector<uint32_t>& all, std::vector<float>& group_scores,
                       std::vector<uint32_t>& kept_groups, std::vector<uint32_t>& out) {
  const auto experts = static_cast<uint32_t>(biased.size());
  if (config.n_group == 1) {
    out = all;
    return;
  }
  const uint32_t group_size = experts / config.n_group;
  const uint32_t summed = std::min<uint32_t>(2, group_size);
  std::vector<uint32_t> best;
  for (uint32_t g = 0; g < config.n_group; ++g) {
    const std::span<const uint32_t> members(all.data() + g * group_size, group_size);
    top_k_of(biased, members, summed, best);
    float sum = 0.0f;
    for (const uint32_t e : best) sum += biased[e];
    group_scores[g] = sum;
  }
  kept_groups = top_k(group_scores, config.topk_group);
  std::sort(kept_groups.begin(), kept_groups.end());
  out.clear();
  for (const uint32_t g : kept_groups) {
    for (uint32_t i = 0; i < group_size; ++i) out.push_back(g * group_size + i);
  }
}

}  // namespace

RoutedTokens select_experts(const RouterConfig& config, const Matrix& scores,
                            const Vector& score_correction) {
  const auto experts = static_cast<uint32_t>(scores.cols());
  validate_router(config, experts);
  if (score_correction.size() != 0 && score_correction.size() != scores.cols()) {
    throw std::invalid_argument("router: score_correction has " +
                                std::to_string(score_correction.size()) + " entries for " +
                                std::to_string(experts) + " experts");
  }
  if (scores.array().isNaN().any()) throw std::domain_error("router: a score is NaN");
  RoutedTokens out;
  out.routing.clear(experts);
  const auto tokens = static_cast<size_t>(scores.rows());
  out.routing.experts.reserve(tokens * config.top_k);
  out.weights.reserve(tokens * config.top_k);

  std::vector<uint32_t> all(experts);
  std::iota(all.begin(), all.end(), 0U);
  std::vector<float> raw(experts);
  std::vector<float> biased(experts);
  std::vector<float> group_scores(config.n_group);
  std::vector<uint32_t> kept_groups;
  std::vector<uint32_t> candidates;
  std::vector<uint32_t> chosen;
  for (size_t t = 0; t < tokens; ++t) {
    for (uint32_t e = 0; e < experts; ++e) {
      raw[e] = scores(static_cast<Eigen::Index>(t), e);
      biased[e] = score_correction.size() != 0 ? raw[e] + score_correction[e] : raw[e];
    }
    candidate_experts(config, biased, all, group_scores, kept_groups, candidates);
    top_k_of(biased, candidates, config.top_k, chosen);
    float sum = 0.0f;
    for (const uint32_t e : chosen) sum += raw[e];
    // A zero sum (every chosen sigmoid underflowed) leaves the weights unnormalised.
    const float norm = config.renormalize && sum > 0.0f ? sum : 1.0f;
    for (const uint32_t e : chosen) {
      out.routing.experts.push_back(e);
      out.weights.push_back(raw[e] / norm * config.routed_scaling_factor);
    }
    out.routing.close_token();
  }
  return out;
}

RoutedTokens route(const RouterConfig& config, const RouterWeights& weights, const Matrix& x) {
  const Matrix scores = router_scores(config.scoring, router_logits(weights, x));
  return select_experts(config, scores, weights.score_correction);
}

}  // namespace moesim::kernels
