#include "models/cost_model/ragged_grid_table.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace moesim {

RaggedGridTable::RaggedGridTable(size_t axes) : axes_(axes) {
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
    throw std::invalid_argument("grid table point given twice");
  }
  node->measured = true;
  node->value = value;
}

double RaggedGridTable::value(std::span<const double> coordinates) const {
  if (empty()) throw std::logic_error("lookup in an empty grid table");
  return lookup(root_, coordinates);
}

double RaggedGridTable::lookup(const Node& node, std::span<const double> coordinates) {
  if (coordinates.empty()) return node.value;
  const double x = coordinates.front();
  const auto rest = coordinates.subspan(1);
  const auto& children = node.children;
  auto upper = children.lower_bound(x);
  if (upper != children.end() && upper->first == x) return lookup(*upper->second, rest);
  if (upper == children.begin()) return lookup(*upper->second, rest);  // below the first value
  if (upper == children.end()) {
    if (children.size() == 1) return lookup(*children.begin()->second, rest);
    upper = std::prev(children.end());  // beyond the last value: extrapolate the last segment
  }
  const auto lower = std::prev(upper);
  const double y0 = lookup(*lower->second, rest), y1 = lookup(*upper->second, rest);
  const double w = (x - lower->first) / (upper->first - lower->first);
  return std::max(0.0, y0 + w * (y1 - y0));
}

}  // namespace moesim
