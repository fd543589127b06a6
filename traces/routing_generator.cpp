#include "traces/routing_generator.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

void check_routing_shape(const RoutingShape& shape) {
  if (shape.num_experts == 0 || shape.top_k == 0 || shape.top_k > shape.num_experts) {
    throw std::invalid_argument(
        fmt::format("routing needs 0 < top_k <= num_experts, got top_k {} of {}", shape.top_k,
                    shape.num_experts));
  }
}

}  // namespace moesim
