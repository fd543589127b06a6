#include "traces/calibration/measured_routing_reshape.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {
namespace {

std::vector<double> split_loads(const std::vector<double>& loads, uint32_t copies) {
  std::vector<double> out(loads.size() * copies);
  for (size_t i = 0; i < loads.size(); ++i) {
    for (uint32_t c = 0; c < copies; ++c) out[i * copies + c] = loads[i] / copies;
  }
  return out;
}

/// E x E row-major counts -> (E m) x (E m), each count spread over the m x m copy pairs.
std::vector<double> split_matrix(const std::vector<double>& counts, uint32_t experts,
                                 uint32_t copies) {
  if (counts.empty()) return {};
  const size_t wide = static_cast<size_t>(experts) * copies;
  const double share = 1.0 / (static_cast<double>(copies) * copies);
  std::vector<double> out(wide * wide);
  for (size_t a = 0; a < wide; ++a) {
    for (size_t b = 0; b < wide; ++b) {
      out[a * wide + b] = counts[(a / copies) * experts + b / copies] * share;
    }
  }
  return out;
}

}  // namespace

MeasuredRouting reshape_measured_routing(const MeasuredRouting& measured, uint32_t num_experts,
                                         uint32_t top_k) {
  if (num_experts == 0 || num_experts % measured.num_experts != 0) {
    throw std::invalid_argument(
        fmt::format("{} statistics cover {} experts; {} experts is not a whole multiple of that",
                    measured.model, measured.num_experts, num_experts));
  }
  check_routing_shape({num_experts, top_k});
  const uint32_t copies = num_experts / measured.num_experts;
  MeasuredRouting out = measured;
  out.num_experts = num_experts;
  out.top_k = top_k;
  for (auto& [layer, loads] : out.topk_load) loads = split_loads(loads, copies);
  for (auto& [layer, loads] : out.top1_load) loads = split_loads(loads, copies);
  for (MeasuredLayerPair& pair : out.pairs) {
    pair.topk = split_matrix(pair.topk, measured.num_experts, copies);
    pair.top1 = split_matrix(pair.top1, measured.num_experts, copies);
  }
  return out;
}

}  // namespace moesim
