#include "topologies/path_finder.h"

#include <utility>

namespace moesim {
namespace {

// Memory kept for full searches (PathSearch::Tree), bytes.
constexpr size_t kTreeBudget = size_t{128} << 20;

uint64_t pair_key(uint32_t src, uint32_t dst) {
  return uint64_t{src} << 32 | dst;
}

}  // namespace

void PathFinder::prepare(SearchGraph graph) {
  clear();
  searched_.assign(graph.vertices(), 0);
  // A tree holds a distance and an offset per vertex, and at most every link.
  tree_estimate_ = graph.vertices() * 12 + graph.links() * 4;
  search_ = PathSearch(std::move(graph));
  ready_ = true;
}

void PathFinder::clear() {
  if (!ready_) return;
  ready_ = false;
  search_ = PathSearch();
  equal_cost_.clear();
  flows_.clear();
  searched_.clear();
  trees_.clear();
  tree_sources_.clear();
  tree_bytes_ = 0;
}

bool PathFinder::find_dag(uint32_t src, uint32_t dst) {
  auto it = trees_.find(src);
  // A full search costs about as much as V / 64 bidirectional ones (1,024 GPUs, V = 2,952:
  // about 360 us against 7 us for a cross-node pair), plus a floor for small graphs.
  const size_t full_search_after = 8 + search_.graph().vertices() / 64;
  if (it == trees_.end() && ++searched_[src] > full_search_after && tree_estimate_ <= kTreeBudget) {
    while (!tree_sources_.empty() && tree_bytes_ + tree_estimate_ > kTreeBudget) {
      const auto oldest = trees_.find(tree_sources_.front());
      tree_bytes_ -= oldest->second.bytes();
      trees_.erase(oldest);
      tree_sources_.pop_front();
    }
    it = trees_.try_emplace(src).first;
    search_.tree_from(src, it->second);
    tree_bytes_ += it->second.bytes();
    tree_sources_.push_back(src);
  }
  if (it != trees_.end()) return search_.pair_dag(src, dst, it->second, dag_);
  return search_.pair_dag(src, dst, dag_);
}

const PathFinder::Paths& PathFinder::equal_cost_paths(uint32_t src, uint32_t dst) {
  const auto [it, inserted] = equal_cost_.try_emplace(pair_key(src, dst));
  if (!inserted) return it->second;
  if (src == dst) {
    it->second.emplace_back();
  } else if (find_dag(src, dst)) {
    it->second = all_paths(dag_, max_paths_);
  }
  return it->second;
}

const std::vector<uint32_t>* PathFinder::flow_path(uint32_t src, uint32_t dst, uint64_t hash) {
  const uint64_t key = pair_key(src, dst);
  if (const auto known = flows_.find(key); known != flows_.end()) return &known->second;
  if (const auto known = equal_cost_.find(key); known != equal_cost_.end()) {
    return known->second.empty() ? nullptr : &known->second[hash % known->second.size()];
  }
  if (src == dst) return &flows_[key];
  if (!find_dag(src, dst)) return nullptr;
  return &(flows_[key] = chosen_path(dag_, max_paths_, hash));
}

}  // namespace moesim
