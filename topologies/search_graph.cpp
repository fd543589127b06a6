#include "topologies/search_graph.h"

#include <algorithm>
#include <utility>

namespace moesim {

SearchGraph::SearchGraph(std::vector<uint8_t> transit, std::vector<Link> links)
    : transit_(std::move(transit)), links_(std::move(links)) {
  const size_t n = transit_.size();
  out_begin_.assign(n + 1, 0);
  in_begin_.assign(n + 1, 0);
  for (const Link& l : links_) {
    ++out_begin_[l.from + 1];
    ++in_begin_[l.to + 1];
  }
  for (size_t v = 0; v < n; ++v) {
    out_begin_[v + 1] += out_begin_[v];
    in_begin_[v + 1] += in_begin_[v];
  }
  out_.resize(links_.size());
  in_.resize(links_.size());
  std::vector<uint32_t> out_next(out_begin_.begin(), out_begin_.end() - 1);
  std::vector<uint32_t> in_next(in_begin_.begin(), in_begin_.end() - 1);
  for (uint32_t i = 0; i < links_.size(); ++i) {
    const Link& l = links_[i];
    out_[out_next[l.from]++] = Arc{l.weight, l.to, i};
    in_[in_next[l.to]++] = Arc{l.weight, l.from, i};
  }
  const auto lighter = [](const Arc& a, const Arc& b) {
    return a.weight != b.weight ? a.weight < b.weight : a.link < b.link;
  };
  by_head_.resize(links_.size());
  for (size_t v = 0; v < n; ++v) {
    std::sort(out_.begin() + out_begin_[v], out_.begin() + out_begin_[v + 1], lighter);
    std::sort(in_.begin() + in_begin_[v], in_.begin() + in_begin_[v + 1], lighter);
    const auto first = by_head_.begin() + out_begin_[v];
    const auto last = by_head_.begin() + out_begin_[v + 1];
    for (uint32_t a = out_begin_[v]; a < out_begin_[v + 1]; ++a) by_head_[a] = a;
    std::sort(first, last, [&](uint32_t a, uint32_t b) { return out_[a].other < out_[b].other; });
  }
}

const SearchGraph::Arc* SearchGraph::find_arc(uint32_t u, uint32_t v) const {
  const auto first = by_head_.begin() + out_begin_[u];
  const auto last = by_head_.begin() + out_begin_[u + 1];
  const auto it = std::lower_bound(first, last, v,
                                   [&](uint32_t a, uint32_t head) { return out_[a].other < head; });
  return it != last && out_[*it].other == v ? &out_[*it] : nullptr;
}

}  // namespace moesim
