#pragma once
/// What rank 0 receives when a DeepSeek-V3-style router (E experts in G groups, the best
/// `top_groups` groups kept, then the top k experts inside them) routes a collector's synthetic
/// logits. The collector's logits are softmax(one-hot sum of each token's k chosen experts), so
/// the k chosen experts tie high and all others tie low; ties go to the lowest index (group and
/// expert), as torch.topk returns them. A token whose chosen experts span more than `top_groups`
/// groups loses the ones outside, and the free places go to the lowest-index unchosen experts of
/// the kept groups.
///
/// Evidence that aiconfigurator's vLLM 0.24.0 DeepSeek-V3 rows run this routing (its vLLM
/// FusedMoE layer routes the logits itself): with the collector's balanced logits (token i
/// picks experts (i + 32 j) mod 256, one per group) it gives rank 0 8, 6, 5, 4.5, 4.25, 4, 2 and
/// 1 pairs per token at EP 2 to 256, and the measured balanced times at 16,384 tokens stand
/// 9.3 : 6.3 : 5.0 : 4.4 : 4.1 : 3.9 : 2.0 : 1 (plain top-k would give 4 : 2 : 1 : ... : 1/32).
///
/// Group score: vLLM's grouped_topk ranks groups by their best score, or by the sum of their two
/// best when the model has a score-correction bias (DeepSeek-V3 does: `noaux_tc`).

#include <cstdint>
#include <vector>

namespace moesim {

enum class GroupScore { best_one, best_two_sum };

class GroupedTopKRouter {
 public:
  /// Throws ConfigError unless groups divide experts, top_groups <= groups, ep divides experts
  /// and top_k <= experts.
  GroupedTopKRouter(uint32_t experts, uint32_t top_k, uint32_t groups, uint32_t top_groups,
                    uint32_t ep, GroupScore score);

  /// Routes tokens whose chosen experts are `choices` (token-major, k per token) and adds the
  /// pairs landing on rank 0 (experts 0 .. E/ep - 1) to `rank0_tokens_per_expert` (size E/ep).
  void add_rank0_pairs(const std::vector<uint32_t>& choices,
                       std::vector<uint64_t>& rank0_tokens_per_expert) const;

  uint32_t local_experts() const { return experts_ / ep_; }

 private:
  uint32_t experts_, top_k_, groups_, top_groups_, ep_;
  GroupScore score_;
};

/// The collector's balanced choices (helper.py `balanced_logits`, same commit as
/// power_law_expert_counts.h): stride s = ceil(E / k); token i picks (i + j s) mod E for
/// j < k when T >= s, else floor(i s / T + j s) mod E. Token-major, k per token.
std::vector<uint32_t> collector_balanced_choices(uint64_t tokens, uint32_t experts, uint32_t top_k);

}  // namespace moesim
