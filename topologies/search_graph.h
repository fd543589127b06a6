#pragma once
/// A directed graph in the compact form path searches scan (PathSearch): per vertex its out-
/// and in-arcs, each vertex's sorted by weight so that a scan stops at the first arc too heavy,
/// and its out-arcs by head for lookups. No two links may join the same ordered pair of
/// vertices. A vertex that is not transit is only ever the first or last vertex of a path.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

class SearchGraph {
 public:
  struct Link {
    uint32_t from;
    uint32_t to;
    int64_t weight;  ///< >= 1
  };
  struct Arc {
    int64_t weight;
    uint32_t other;  ///< the far end: the head of an out-arc, the tail of an in-arc
    uint32_t link;   ///< index into the links given
  };

  SearchGraph() = default;
  /// `transit[v]` says whether paths may cross vertex v; links are indexed as given.
  SearchGraph(std::vector<uint8_t> transit, std::vector<Link> links);

  size_t vertices() const { return transit_.size(); }
  size_t links() const { return links_.size(); }
  bool transit(uint32_t v) const { return transit_[v] != 0; }
  const Link& link(uint32_t l) const { return links_[l]; }

  std::span<const Arc> out(uint32_t v) const {
    return {out_.data() + out_begin_[v], out_.data() + out_begin_[v + 1]};
  }
  std::span<const Arc> in(uint32_t v) const {
    return {in_.data() + in_begin_[v], in_.data() + in_begin_[v + 1]};
  }

  /// The arc from u to v, or nullptr when there is none (binary search, O(log out-degree)).
  const Arc* find_arc(uint32_t u, uint32_t v) const;

 private:
  std::vector<uint8_t> transit_;
  std::vector<Link> links_;
  std::vector<uint32_t> out_begin_, in_begin_;  // CSR offsets, one past the last vertex too
  std::vector<Arc> out_, in_;
  std::vector<uint32_t> by_head_;  // per vertex, indices into out_ ordered by head
};

}  // namespace moesim
