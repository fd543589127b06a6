#pragma once
/// Segment Cache best Hit rate, SCH(m, C) (strategies.md section 3.11; arXiv 2505.16056): the
/// hit rate of a per-layer expert cache of C experts whose eviction oracle sees only the next
/// m tokens.
///
/// Each request's tokens at a layer are replayed in arrival order. A token's choices hit if
/// they are in the cache as it was before the token. Then each chosen expert is inserted in
/// turn; when the cache is full the evicted expert is the one chosen least often in the next
/// m tokens, ties broken by recency (the least recently used goes). The priority does not
/// depend on C, so one pass of a stack algorithm (Mattson et al. 1970) gives every C at
/// once. As in the authors' scripts, a cache starts filled with experts not yet used: the
/// first use of an expert hits when C exceeds the number of distinct experts used before it,
/// so C = E hits every access. Holds every token's choices in memory until finish().

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "traces/routing_trace.h"

namespace moesim {

class SegmentCacheHits {
 public:
  SegmentCacheHits(uint32_t num_experts, std::vector<uint32_t> windows);

  void add(const RoutingRecordView& record);
  /// Replays every sequence; call once, after the last add().
  void finish();

  const std::vector<uint32_t>& windows() const { return windows_; }
  uint32_t layers() const;
  /// Hit rate of a cache of C = 1 .. E experts (element C - 1), for window index `w`, at one
  /// layer or over all layers (all accesses pooled).
  std::vector<double> hit_rates(size_t w, uint32_t layer) const;
  std::vector<double> hit_rates_all_layers(size_t w) const;

 private:
  struct Sequence {
    std::vector<uint32_t> offsets{0};
    std::vector<uint32_t> experts;
  };
  void replay(const Sequence& s, uint32_t window, std::vector<double>& depth_histogram);

  uint32_t num_experts_;
  std::vector<uint32_t> windows_;
  std::map<std::pair<uint32_t, uint64_t>, Sequence> sequences_;  // (layer, request)
  std::vector<std::vector<std::vector<double>>> depths_;         // [w][layer][depth]
};

}  // namespace moesim
