#include "models/cost_model/ragged_grid_table.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace moesim {

RaggedGridTable::RaggedGridTable(size_t axes, Beyond beyond, Repeats repeats)
    : axes_(axes), beyond_(beyond), repeats_(repeats) {
  if (axes == 0) throw std::invalid_argument("a grid table needs at least one axis");
}

void RaggedGridTable::add(std::span<const double> coordinates, double value) {
  if (coordinates.size() != axes_) {
    throw std::invalid_argument("grid table point has the wrong number of coordinates");
  }
  Node* node = &root_;
  for (const double x : coordinates) {
    auto& child = node->children[x];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
  if (node->measured) {
    if (repeats_ == Repeats::kKeepFirst) return;
    throw std::invalid_argument("grid table point given twice");
  }
  node->measured = true;
  node->value = value;
}

double RaggedGridTable::value(std::span<const double> coordinates) const {
  if (empty()) throw std::logic_error("lookup in an empty grid table");
  bool clamped = false;
  return lookup(root_, coordinates, {}, clamped);
}

bool RaggedGridTable::clamped_value(std::span<const double> coordinates, std::span<double> edge,
                                    double& value) const {
  if (empty()) throw std::logic_error("lookup in an empty grid table");
  if (edge.size() != axes_ || coordinates.size() != axes_) {
    throw std::invalid_argument("grid table lookup has the wrong number of coordinates");
  }
  std::copy(coordinates.begin(), coordinates.end(), edge.begin());
  bool clamped = false;
  value = lookup(root_, coordinates, edge, clamped);
  return clamped;
}

double RaggedGridTable::lookup(const Node& node, std::span<const double> coordinates,
                               std::span<double> edge, bool& clamped) const {
  if (coordinates.empty()) return node.value;
  const double x = coordinates.front();
  const auto rest = coordinates.subspan(1);
  const auto edge_rest = edge.empty() ? edge : edge.subspan(1);
  const auto& children = node.children;
  // Clamping to an end: that end's sub-table, noted in `edge`.
  const auto at_end = [&](const auto& child) {
    if (!edge.empty()) edge.front() = child.first;
    clamped = true;
    return lookup(*child.second, rest, edge_rest, clamped);
  };
  auto upper = children.lower_bound(x);
  if (upper != children.end() && upper->first == x) {
    return lookup(*upper->second, rest, edge_rest, clamped);
  }
  if (upper == children.begin()) {  // below the first value
    if (beyond_ == Beyond::kClamp) return at_end(*upper);
    return lookup(*upper->second, rest, edge_rest, clamped);
  }
  if (upper == children.end()) {
    if (beyond_ == Beyond::kClamp) return at_end(*std::prev(children.end()));
    if (children.size() == 1) return lookup(*children.begin()->second, rest, edge_rest, clamped);
    upper = std::prev(children.end());  // beyond the last value: extrapolate the last segment
  }
  const auto lower = std::prev(upper);
  const double y0 = lookup(*lower->second, rest, edge_rest, clamped);
  const double y1 = lookup(*upper->second, rest, edge_rest, clamped);
  const double w = (x - lower->first) / (upper->first - lower->first);
  return std::max(0.0, y0 + w * (y1 - y0));
}

}  // namespace moesim
