#include "models/reference/expert_partition.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/reference/combine.h"

namespace moesim::kernels {

std::vector<ExpertWork> work_by_expert(const RoutedTokens& routed) {
  const TokenRouting& routing = routed.routing;
  std::vector<ExpertWork> out(routing.num_experts);
  for (uint32_t e = 0; e < routing.num_experts; ++e) out[e].expert = e;
  for (size_t t = 0; t < routing.tokens(); ++t) {
    for (uint32_t s = routing.offsets[t]; s < routing.offsets[t + 1]; ++s) {
      ExpertWork& w = out.at(routing.experts[s]);
      w.tokens.push_back(static_cast<uint32_t>(t));
      w.weights.push_back(routed.weights[s]);
    }
  }
  return out;
}

std::vector<ExpertWork> shard_by_placement(std::span<const ExpertWork> per_expert,
                                           const ExpertPlacement& placement, uint32_t rank) {
  if (placement.ranks_of_expert.size() != per_expert.size()) {
    throw std::invalid_argument("shard_by_placement: placement of " +
                                std::to_string(placement.ranks_of_expert.size()) +
                                " experts for work on " + std::to_string(per_expert.size()));
  }
  std::vector<ExpertWork> out;
  for (const ExpertWork& work : per_expert) {
    const std::vector<uint32_t>& ranks = placement.ranks_of_expert.at(work.expert);
    const auto found = std::find(ranks.begin(), ranks.end(), rank);
    if (found == ranks.end()) continue;
    const auto replica = static_cast<size_t>(found - ranks.begin());
    ExpertWork mine{work.expert, {}, {}, work.slice};
    for (size_t i = replica; i < work.tokens.size(); i += ranks.size()) {
      mine.tokens.push_back(work.tokens[i]);
      mine.weights.push_back(work.weights[i]);
    }
    out.push_back(std::move(mine));
  }
  return out;
}

std::vector<IntermediateSlice> split_intermediate(uint32_t ffn_size, uint32_t parts) {
  if (parts == 0 || parts > ffn_size) {
    throw std::invalid_argument("split_intermediate: " + std::to_string(parts) + " parts of " +
                                std::to_string(ffn_size) + " columns");
  }
  std::vector<IntermediateSlice> out;
  uint32_t begin = 0;
  for (uint32_t p = 0; p < parts; ++p) {
    const uint32_t width = ffn_size / parts + (p < ffn_size % parts ? 1 : 0);
    out.push_back({begin, begin + width});
    begin += width;
  }
  return out;
}

ExpertWork keep_first_tokens(const ExpertWork& work, uint32_t capacity) {
  const size_t kept = std::min<size_t>(capacity, work.tokens.size());
  return {work.expert,
          {work.tokens.begin(), work.tokens.begin() + static_cast<std::ptrdiff_t>(kept)},
          {work.weights.begin(), work.weights.begin() + static_cast<std::ptrdiff_t>(kept)},
          work.slice};
}

Matrix compute_expert_partial(const SwigluWeights& expert, const Matrix& x,
                              const ExpertWork& work) {
  Matrix gathered(static_cast<Eigen::Index>(work.tokens.size()), x.cols());
  for (size_t i = 0; i < work.tokens.size(); ++i) {
    if (static_cast<Eigen::Index>(work.tokens[i]) >= x.rows()) {
      throw std::out_of_range("compute_expert_partial: token " + std::to_string(work.tokens[i]) +
                              " of " + std::to_string(x.rows()));
    }
    gathered.row(static_cast<Eigen::Index>(i)) = x.row(work.tokens[i]);
  }
  return swiglu_forward(expert, gathered, work.slice.value_or(expert.full()));
}

Matrix routed_output(std::span<const SwigluWeights* const> experts, const Matrix& x,
                     std::span<const ExpertWork> work) {
  Matrix out = Matrix::Zero(x.rows(), x.cols());
  for (const ExpertWork& piece : work) {
    if (piece.tokens.empty()) continue;
    if (piece.expert >= experts.size() || experts[piece.expert] == nullptr) {
      throw std::out_of_range("routed_output: no weights for expert " +
                              std::to_string(piece.expert));
    }
    accumulate_weighted(out, piece.tokens, piece.weights,
                        compute_expert_partial(*experts[piece.expert], x, piece));
  }
  return out;
}

}  // namespace moesim::kernels
