#include "topologies/path_search.h"

#include <algorithm>
#include <functional>

namespace moesim {
namespace {

// flags_ bits of one search.
constexpr uint8_t kTouched = 1;   // df_, db_ or flags_ differ from their reset values
constexpr uint8_t kSettledF = 2;  // df_ is final
constexpr uint8_t kSettledB = 4;  // db_ is final
constexpr uint8_t kOnF = 8;       // on a shortest path, found from the source's side
constexpr uint8_t kOnB = 16;      // on a shortest path, found from the destination's side

void push(std::vector<std::pair<int64_t, uint32_t>>& heap, int64_t d, uint32_t v) {
  heap.emplace_back(d, v);
  std::push_heap(heap.begin(), heap.end(), std::greater<>{});
}

std::pair<int64_t, uint32_t> pop(std::vector<std::pair<int64_t, uint32_t>>& heap) {
  std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
  const auto top = heap.back();
  heap.pop_back();
  return top;
}

}  // namespace

PathSearch::PathSearch(SearchGraph graph) : graph_(std::move(graph)) {
  const size_t n = graph_.vertices();
  df_.assign(n, kUnreached);
  db_.assign(n, kUnreached);
  flags_.assign(n, 0);
  index_.assign(n, 0);
}

void PathSearch::reset() {
  for (uint32_t v : touched_) {
    df_[v] = kUnreached;
    db_[v] = kUnreached;
    flags_[v] = 0;
  }
  touched_.clear();
  settled_f_.clear();
  settled_b_.clear();
  side_f_.clear();
  side_b_.clear();
  relaxed_f_.clear();
  relaxed_b_.clear();
  heap_f_.clear();
  heap_b_.clear();
  raw_.clear();
  meet_ = kUnreached;
}

void PathSearch::touch(uint32_t v) {
  if (flags_[v] & kTouched) return;
  flags_[v] |= kTouched;
  touched_.push_back(v);
}

void PathSearch::mark(uint32_t v, uint8_t side) {
  if (flags_[v] & side) return;
  touch(v);
  flags_[v] |= side;
  (side == kOnF ? side_f_ : side_b_).push_back(v);
}

bool PathSearch::beyond_middle(int64_t d, int64_t other_top) const {
  // A label past the middle of the best path seen (2d > meet) that the other side's frontier
  // also rules out (d + other_top >= meet) is not needed: a vertex on a shorter path that far
  // from this end is already settled by the other search, which then meets it.
  return 2 * d > meet_ && d + other_top >= meet_;
}

int64_t PathSearch::top(Heap& heap, const std::vector<int64_t>& dist) {
  // An entry is stale when a shorter distance to its vertex was pushed after it.
  while (!heap.empty() && heap.front().first > dist[heap.front().second]) pop(heap);
  return heap.empty() ? kUnreached : heap.front().first;
}

void PathSearch::settle_forward(int64_t limit, int64_t top_b) {
  const auto [d, u] = pop(heap_f_);
  flags_[u] |= kSettledF;
  settled_f_.push_back(u);
  if (db_[u] < kUnreached) meet_ = std::min(meet_, d + db_[u]);
  if (!usable_from(u)) return;
  for (const Arc& arc : graph_.out(u)) {
    const int64_t nd = d + arc.weight;
    // Arcs are sorted by weight, so once one is not worth following the rest are not either.
    if (nd > std::min(limit, meet_ - 1) || beyond_middle(nd, top_b)) break;
    const uint32_t v = arc.other;
    if (db_[v] < kUnreached) meet_ = std::min(meet_, nd + db_[v]);
    if (nd > df_[v]) continue;
    relaxed_f_.push_back({{arc.link, u, v}, nd});
    if (nd < df_[v]) {
      touch(v);
      df_[v] = nd;
      push(heap_f_, nd, v);
    }
  }
}

void PathSearch::settle_backward(int64_t limit, int64_t top_f) {
  const auto [d, v] = pop(heap_b_);
  flags_[v] |= kSettledB;
  settled_b_.push_back(v);
  if (df_[v] < kUnreached) meet_ = std::min(meet_, df_[v] + d);
  for (const Arc& arc : graph_.in(v)) {
    const int64_t nd = d + arc.weight;
    if (nd > std::min(limit, meet_ - 1) || beyond_middle(nd, top_f)) break;
    const uint32_t u = arc.other;
    if (!usable_from(u)) continue;
    if (df_[u] < kUnreached) meet_ = std::min(meet_, df_[u] + nd);
    if (nd > db_[u]) continue;
    relaxed_b_.push_back({{arc.link, u, v}, nd});
    if (nd < db_[u]) {
      touch(u);
      db_[u] = nd;
      push(heap_b_, nd, u);
    }
  }
}

bool PathSearch::pair_dag(uint32_t src, uint32_t dst, PairDag& dag) {
  dag.clear();
  reset();
  src_ = src;
  dst_ = dst;
  touch(src);
  df_[src] = 0;
  push(heap_f_, 0, src);
  touch(dst);
  db_[dst] = 0;
  push(heap_b_, 0, dst);
  // The distance: grow the smaller frontier until the two together reach the best meeting
  // seen (the classic stopping rule).
  for (;;) {
    const int64_t tf = top(heap_f_, df_);
    const int64_t tb = top(heap_b_, db_);
    if (tf >= kUnreached || tb >= kUnreached || tf + tb >= meet_) break;
    if (tf <= tb) {
      settle_forward(kUnreached, tb);
    } else {
      settle_backward(kUnreached, tf);
    }
  }
  if (meet_ >= kUnreached) return false;
  // Every vertex x on a shortest path has df(x) + db(x) = total, so df(x) <= half_f or
  // db(x) <= half_b: settle both sides that far, exactly.
  const int64_t total = meet_;
  const int64_t half_f = total / 2;
  const int64_t half_b = total - half_f - 1;
  while (top(heap_f_, df_) <= half_f) settle_forward(half_f, 0);
  while (top(heap_b_, db_) <= half_b) settle_backward(half_b, 0);
  add_crossing_edges(half_f, half_b, total);
  close_side(relaxed_f_, df_, half_f, true);
  close_side(relaxed_b_, db_, half_b, false);
  by_distance_.clear();
  for (uint32_t v : side_f_) by_distance_.emplace_back(df_[v], v);
  for (uint32_t v : side_b_) {
    if (!(flags_[v] & kOnF)) by_distance_.emplace_back(total - db_[v], v);
  }
  finish(dag);
  return true;
}

void PathSearch::add_crossing_edges(int64_t half_f, int64_t half_b, int64_t total) {
  // A shortest path leaves src's side by one link u -> x. Each candidate pair is tried once,
  // by scanning u's out-arcs, x's in-arcs, or looking the arc up between u and every vertex of
  // the other side, whichever is shortest: a rail switch on one side has thousands of arcs,
  // the other side a few dozen vertices.
  std::vector<uint32_t> f;
  std::vector<uint32_t> b;
  for (uint32_t u : settled_f_) {
    if (df_[u] <= half_f && usable_from(u)) f.push_back(u);
  }
  for (uint32_t x : settled_b_) {
    if (db_[x] <= half_b) b.push_back(x);
  }
  const auto on_f = [&](uint32_t u) { return (flags_[u] & kSettledF) && df_[u] <= half_f; };
  const auto on_b = [&](uint32_t x) { return (flags_[x] & kSettledB) && db_[x] <= half_b; };
  const auto try_arc = [&](uint32_t u, const Arc& arc, uint32_t x) {
    if (df_[u] + arc.weight + db_[x] != total) return;
    raw_.push_back({arc.link, u, x});
    mark(u, kOnF);
    mark(x, kOnB);
  };
  size_t from_f = 0;
  size_t from_b = 0;
  for (uint32_t u : f) from_f += std::min(graph_.out(u).size(), b.size());
  for (uint32_t x : b) from_b += std::min(graph_.in(x).size(), f.size());
  if (from_f <= from_b) {
    for (uint32_t u : f) {
      if (graph_.out(u).size() > b.size()) {
        for (uint32_t x : b) {
          if (const Arc* arc = graph_.find_arc(u, x)) try_arc(u, *arc, x);
        }
        continue;
      }
      for (const Arc& arc : graph_.out(u)) {
        if (df_[u] + arc.weight > total) break;
        if (on_b(arc.other)) try_arc(u, arc, arc.other);
      }
    }
    return;
  }
  for (uint32_t x : b) {
    if (graph_.in(x).size() > f.size()) {
      for (uint32_t u : f) {
        if (const Arc* arc = graph_.find_arc(u, x)) try_arc(u, *arc, x);
      }
      continue;
    }
    for (const Arc& arc : graph_.in(x)) {
      if (db_[x] + arc.weight > total) break;
      if (usable_from(arc.other) && on_f(arc.other)) try_arc(arc.other, arc, x);
    }
  }
}

void PathSearch::close_side(std::vector<Relaxed>& relaxed, const std::vector<int64_t>& dist,
                            int64_t half, bool forward) {
  // A DAG link on a side is an arc that side scanned and that gave the vertex its final
  // distance (the vertex nearer the middle: a forward arc's head, a backward arc's tail).
  // Walk from the crossing links towards the end over them.
  const auto near = [forward](const Relaxed& r) { return forward ? r.edge.to : r.edge.from; };
  const auto far = [forward](const Relaxed& r) { return forward ? r.edge.from : r.edge.to; };
  std::erase_if(relaxed, [&](const Relaxed& r) {
    return r.distance != dist[near(r)] || dist[near(r)] > half;
  });
  std::sort(relaxed.begin(), relaxed.end(),
            [&](const Relaxed& a, const Relaxed& b) { return near(a) < near(b); });
  std::vector<uint32_t>& side = forward ? side_f_ : side_b_;
  for (size_t i = 0; i < side.size(); ++i) {
    const uint32_t v = side[i];
    auto it = std::lower_bound(relaxed.begin(), relaxed.end(), v,
                               [&](const Relaxed& r, uint32_t key) { return near(r) < key; });
    for (; it != relaxed.end() && near(*it) == v; ++it) {
      raw_.push_back(it->edge);
      mark(far(*it), forward ? kOnF : kOnB);
    }
  }
}

void PathSearch::finish(PairDag& dag) {
  // Vertices by distance from src, then each raw edge as (tail position, link, head position),
  // grouped by tail in link order. A link found from both sides appears twice.
  std::sort(by_distance_.begin(), by_distance_.end());
  for (const auto& [d, v] : by_distance_) {
    index_[v] = static_cast<uint32_t>(dag.order.size());
    dag.order.push_back(v);
  }
  for (Edge& e : raw_) e = Edge{e.link, index_[e.from], index_[e.to]};
  std::sort(raw_.begin(), raw_.end(), [](const Edge& a, const Edge& b) {
    return a.from != b.from ? a.from < b.from : a.link < b.link;
  });
  raw_.erase(std::unique(raw_.begin(), raw_.end(),
                         [](const Edge& a, const Edge& b) { return a.link == b.link; }),
             raw_.end());
  dag.begin.assign(dag.order.size() + 1, 0);
  for (const Edge& e : raw_) {
    ++dag.begin[e.from + 1];
    dag.edges.push_back({e.link, e.to});
  }
  for (size_t i = 1; i < dag.begin.size(); ++i) dag.begin[i] += dag.begin[i - 1];
}

void PathSearch::tree_from(uint32_t src, Tree& tree) {
  reset();
  src_ = src;
  const size_t n = graph_.vertices();
  std::vector<int64_t>& dist = tree.dist;
  dist.assign(n, kUnreached);
  dist[src] = 0;
  push(heap_f_, 0, src);
  while (!heap_f_.empty()) {
    const auto [d, u] = pop(heap_f_);
    if (d > dist[u] || !usable_from(u)) continue;
    for (const Arc& arc : graph_.out(u)) {
      if (d + arc.weight < dist[arc.other]) {
        dist[arc.other] = d + arc.weight;
        push(heap_f_, dist[arc.other], arc.other);
      }
    }
  }
  // The links into each vertex with dist(u) + w = dist(v).
  tree.begin.assign(n + 1, 0);
  tree.tight.clear();
  for (uint32_t v = 0; v < n; ++v) {
    for (const Arc& arc : graph_.in(v)) {
      if (dist[v] >= kUnreached || arc.weight > dist[v]) break;
      if (usable_from(arc.other) && dist[arc.other] + arc.weight == dist[v]) {
        tree.tight.push_back(arc.link);
      }
    }
    tree.begin[v + 1] = static_cast<uint32_t>(tree.tight.size());
  }
}

bool PathSearch::pair_dag(uint32_t src, uint32_t dst, const Tree& tree, PairDag& dag) {
  dag.clear();
  if (tree.dist[dst] >= kUnreached) return false;
  reset();
  src_ = src;
  dst_ = dst;
  // Back from dst over the tree's links.
  mark(dst, kOnB);
  for (size_t i = 0; i < side_b_.size(); ++i) {
    const uint32_t v = side_b_[i];
    for (uint32_t t = tree.begin[v]; t < tree.begin[v + 1]; ++t) {
      const uint32_t u = graph_.link(tree.tight[t]).from;
      raw_.push_back({tree.tight[t], u, v});
      mark(u, kOnB);
    }
  }
  by_distance_.clear();
  for (uint32_t v : side_b_) by_distance_.emplace_back(tree.dist[v], v);
  finish(dag);
  return true;
}

}  // namespace moesim
