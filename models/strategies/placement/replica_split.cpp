#include "models/strategies/placement/replica_split.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace moesim {

ReplicaSplit::ReplicaSplit(const ExpertPlacement& placement)
    : choice_(placement.replica_choice),
      experts_of_rank_(placement.ranks),
      slots_(placement.ranks_of_expert.size()),
      cursor_(placement.ranks_of_expert.size(), 0),
      rank_tokens_(placement.ranks, 0),
      out_(placement.ranks) {
  for (uint32_t e = 0; e < placement.ranks_of_expert.size(); ++e) {
    const auto& ranks = placement.ranks_of_expert[e];
    if (ranks.empty()) throw std::invalid_argument("an expert placed on no rank");
    replicated_ = replicated_ || ranks.size() > 1;
    for (const uint32_t r : ranks) {
      if (r >= placement.ranks) throw std::invalid_argument("an expert placed on an unknown rank");
      slots_[e].push_back({r, static_cast<uint32_t>(experts_of_rank_[r].size())});
      experts_of_rank_[r].push_back(e);  // e ascends, so each rank's list is sorted
    }
  }
  for (uint32_t r = 0; r < placement.ranks; ++r) out_[r].assign(experts_of_rank_[r].size(), 0);
  order_.resize(slots_.size());
}

void ReplicaSplit::give(const Slot& slot, uint64_t tokens) {
  out_[slot.rank][slot.position] += tokens;
  rank_tokens_[slot.rank] += tokens;
}

const std::vector<std::vector<uint64_t>>& ReplicaSplit::split(
    std::span<const uint64_t> tokens_per_expert) {
  if (tokens_per_expert.size() != slots_.size()) {
    throw std::invalid_argument("replica split: expert counts differ");
  }
  for (auto& row : out_) std::fill(row.begin(), row.end(), 0);
  std::fill(rank_tokens_.begin(), rank_tokens_.end(), 0);
  if (!replicated_) {
    for (uint32_t e = 0; e < slots_.size(); ++e) give(slots_[e].front(), tokens_per_expert[e]);
    return out_;
  }
  if (choice_ == ReplicaChoice::kRoundRobin) {
    for (uint32_t e = 0; e < slots_.size(); ++e) {
      const uint64_t n = slots_[e].size(), tokens = tokens_per_expert[e];
      // Replicas cursor, cursor+1, ... get the tokens in turn: tokens/n each, and one more for
      // the first tokens % n of them.
      for (uint64_t j = 0; j < n; ++j) {
        const uint64_t share = tokens / n + (j < tokens % n ? 1 : 0);
        give(slots_[e][(cursor_[e] + j) % n], share);
      }
      cursor_[e] = (cursor_[e] + tokens) % n;
    }
    return out_;
  }
  std::iota(order_.begin(), order_.end(), 0u);
  std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    return tokens_per_expert[a] > tokens_per_expert[b];
  });
  for (const uint32_t e : order_) split_least_loaded(e, tokens_per_expert[e]);
  return out_;
}

void ReplicaSplit::split_least_loaded(uint32_t expert, uint64_t tokens) {
  std::vector<Slot> s = slots_[expert];
  if (s.size() == 1 || tokens == 0) {
    give(s.front(), tokens);
    return;
  }
  std::stable_sort(s.begin(), s.end(), [&](const Slot& a, const Slot& b) {
    return rank_tokens_[a.rank] < rank_tokens_[b.rank];
  });
  // Water-filling: the k least-loaded replicas rise to a common level q (the largest k whose
  // level reaches the k-th load), the first `extra` of them one token above it.
  uint64_t below = 0;
  size_t k = 0;
  uint64_t level = 0, extra = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    below += rank_tokens_[s[i].rank];
    const uint64_t total = tokens + below;
    const uint64_t q = total / (i + 1);
    if (q >= rank_tokens_[s[i].rank]) {
      k = i + 1;
      level = q;
      extra = total % (i + 1);
    }
  }
  std::vector<uint64_t> shares(k);
  for (size_t i = 0; i < k; ++i) shares[i] = level - rank_tokens_[s[i].rank] + (i < extra ? 1 : 0);
  for (size_t i = 0; i < k; ++i) give(s[i], shares[i]);
}

}  // namespace moesim
