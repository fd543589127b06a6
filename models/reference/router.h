#pragma once
/// Reference router of an MoE layer: logits, scoring, expert selection and routing weights.
///
/// Covers the router semantics of the team reference (hardware.md section 1.2) with one config:
/// - Mixtral, Qwen3: softmax, top-k, renormalise (equal to a softmax over the k chosen logits).
/// - DeepSeek-V2-Lite, Qwen2-MoE, OLMoE, Grok-1, Switch: softmax, top-k, no renormalisation.
/// - DeepSeek-V3: sigmoid, group-limited top-k with a score-correction bias used for selection
///   only, renormalise, routed scaling factor 2.5.
/// - gpt-oss: top-k on biased logits then softmax over the k: softmax over all experts with
///   renormalisation gives the same weights, since softmax is monotonic.
/// - Llama 4: top-1 on logits then sigmoid: sigmoid scoring without renormalisation.
/// - DBRX: L1 renormalisation, which is the sum renormalisation here (scores are positive).

#include <cstdint>
#include <span>
#include <vector>

#include "models/reference/kernel_types.h"
#include "traces/token_routing.h"

namespace moesim::kernels {

enum class RouterScoring {
  kSoftmax,  ///< softmax over all experts of the token's logits
  kSigmoid,  ///< sigmoid of each logit independently
};

struct RouterConfig {
  RouterScoring scoring = RouterScoring::kSoftmax;
  uint32_t top_k = 2;                  ///< experts chosen per token, >= 1
  uint32_t n_group = 1;                ///< expert groups (experts % n_group == 0); 1 = plain top-k
  uint32_t topk_group = 1;             ///< groups kept per token, 1 <= topk_group <= n_group
  bool renormalize = true;             ///< divide the k weights by their sum
  float routed_scaling_factor = 1.0f;  ///< applied to the weights after renormalisation
};

/// Router parameters of one layer.
struct RouterWeights {
  Matrix weight;  ///< [hidden x experts]: logits = x weight (+ bias)
  Vector bias;    ///< [experts] added to the logits (gpt-oss), or empty
  /// [experts] added to the scores for selection only (DeepSeek-V3 e_score_correction_bias),
  /// or empty. The weights always come from the uncorrected scores.
  Vector score_correction;

  uint32_t num_experts() const { return static_cast<uint32_t>(weight.cols()); }
};

/// The router's decision for a batch: token t chose routing.choices(t), in descending order of
/// selection score (ties: lower expert index first), with weights_of(t) in the same order.
struct RoutedTokens {
  TokenRouting routing;
  std::vector<float> weights;  ///< one per entry of routing.experts

  std::span<const float> weights_of(size_t token) const {
    return {weights.data() + routing.offsets[token],
            routing.offsets[token + 1] - routing.offsets[token]};
  }
};

/// Throws std::invalid_argument naming the parameter if `config` cannot route `num_experts`.
void validate_router(const RouterConfig& config, uint32_t num_experts);

/// logits [tokens x experts] = x [tokens x hidden] W_r, plus the router bias when present.
Matrix router_logits(const RouterWeights& weights, const Matrix& x);

/// Scores [tokens x experts] from logits: softmax along each row, or elementwise sigmoid.
Matrix router_scores(RouterScoring scoring, const Matrix& logits);

/// Selects experts and weights from scores [tokens x experts]. `score_correction` ([experts]
/// or empty) is added to the scores for group scores and top-k only. Group score = sum of the
/// top min(2, group size) corrected scores of the group. Throws std::domain_error on a NaN score.
RoutedTokens select_experts(const RouterConfig& config, const Matrix& scores,
                            const Vector& score_correction);

/// The whole router: logits, scores, selection.
RoutedTokens route(const RouterConfig& config, const RouterWeights& weights, const Matrix& x);

}  // namespace moesim::kernels
