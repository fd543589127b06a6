#pragma once
/// The routing generator behind every synthetic and calibrated routing strategy: per token and
/// layer, k from a distribution, then k distinct experts drawn one after another.
///
/// Each choice r is drawn, in this order of precedence:
///   1. temporal locality: with probability `temporal_reuse`, the r-th choice of the previous
///      token of the same request at this layer (if it has one);
///   2. cross-layer dependence: with the transition's strength, from the row of the token's
///      r-th choice at the source layer;
///   3. otherwise from the layer's popularity (first-choice table for r = 0, else the rest).
/// An expert the token already chose is rejected and the choice drawn again: this is
/// sequential sampling without replacement from the mixture, which is approximately how top-k
/// of noisy router logits behaves (the largest logit is the first draw, and so on). After 64
/// rejections the choice falls back to the popularity restricted to unchosen experts, then to
/// a uniform unchosen expert, so that zero-probability experts never stall a token.
///
/// generate_counts draws a batch's per-expert counts directly where no choice depends on
/// another token or layer (no temporal reuse, no transition into or out of the layer, a
/// popularity that does not drift): tokens are split by k (binomials), and each k's counts
/// come from an ExpertCountChain built from the exact inclusion probabilities of the choice
/// above (successive_sampling_inclusion): means and per-expert variances as per token, the
/// joint law matched to second order (traces/expert_count_chain.h). Small batches (and small
/// groups of one k: draw_as_counts), and a k whose `rest` weights cover fewer than k experts,
/// are drawn per token as above.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/rng.h"
#include "traces/expert_count_chain.h"
#include "traces/routing_generator.h"
#include "traces/synthetic/cross_layer_model.h"
#include "traces/synthetic/expert_popularity.h"
#include "traces/synthetic/k_distribution.h"

namespace moesim {

struct SyntheticRoutingParts {
  uint32_t num_experts = 0;
  KDistribution k = KDistribution::fixed(1);  ///< max() must not exceed num_experts
  std::unique_ptr<ExpertPopularity> popularity;
  std::unique_ptr<CrossLayerModel> cross_layer;  ///< null: layers independent
  double temporal_reuse = 0.0;                   ///< [0, 1]
};

class SyntheticRouting final : public RoutingGenerator {
 public:
  /// Token choices draw from `rng`, which must outlive the generator. Throws
  /// std::invalid_argument on inconsistent parts.
  SyntheticRouting(SyntheticRoutingParts parts, RngStream& rng);

  void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) override;
  void generate_with_context(uint32_t layer, std::span<const TokenContext> tokens,
                             TokenRouting& out) override;
  bool generate_counts(uint32_t layer, std::span<const TokenContext> tokens,
                       std::vector<uint64_t>& counts) override;

 private:
  uint32_t draw(const AliasTable& marginal, const AliasTable* row, double strength);
  uint32_t fallback(const AliasTable& marginal);
  void choose(uint32_t k, const LayerPopularity& popularity, const LayerTransition* transition,
              std::span<const uint32_t> source, const std::vector<uint32_t>* previous,
              TokenRouting& out);
  /// The count draw for tokens of k choices from `popularity`, built on first use; empty when
  /// they must be drawn per token.
  const std::optional<ExpertCountChain>& chain(const LayerPopularity& popularity, uint32_t k);
  void count_per_token(uint64_t tokens, uint32_t k, const LayerPopularity& popularity,
                       std::vector<uint64_t>& counts);

  SyntheticRoutingParts parts_;
  RngStream* rng_;
  std::vector<uint8_t> chosen_;             // per expert: chosen by the current token
  std::vector<uint64_t> tokens_per_layer_;  // tokens routed so far at each layer
  std::vector<TokenRouting> batch_;         // this batch's routing at each layer so far
  // previous token's choices per layer and request (kept only with temporal_reuse > 0)
  std::vector<std::unordered_map<uint64_t, std::vector<uint32_t>>> previous_;
  std::vector<TokenContext> default_contexts_;
  uint32_t default_position_ = 0;
  // count draws by popularity table (fixed for the generator's life) and k
  std::map<std::pair<const LayerPopularity*, uint32_t>, std::optional<ExpertCountChain>> chains_;
  TokenRouting scratch_;
};

}  // namespace moesim
