#pragma once
/// The reference MoE layer: router, routed SwiGLU experts, shared experts and the combine,
/// computed in fp32 on the CPU. It is the ground truth a partitioned execution is compared with.

#include <cstdint>
#include <span>
#include <vector>

#include "models/reference/combine.h"
#include "models/reference/expert_partition.h"
#include "models/reference/kernel_types.h"
#include "models/reference/router.h"
#include "models/reference/swiglu_expert.h"

namespace moesim::kernels {

/// All parameters of one MoE layer with hidden size H and E routed experts.
struct MoeLayerWeights {
  RouterWeights router;                ///< weight [H x E]
  std::vector<SwigluWeights> experts;  ///< E routed experts, each H x F x H
  SharedExperts shared;                ///< may be empty
};

class MoeLayerReference {
 public:
  /// Throws std::invalid_argument if the weights disagree on H or E, or `router` cannot route E
  /// experts.
  MoeLayerReference(RouterConfig router, MoeLayerWeights weights);

  const RouterConfig& router_config() const { return router_; }
  const MoeLayerWeights& weights() const { return weights_; }
  uint32_t hidden_size() const { return static_cast<uint32_t>(weights_.router.weight.rows()); }
  uint32_t num_experts() const { return static_cast<uint32_t>(weights_.experts.size()); }

  /// The router's choices and weights for `x` [T x H].
  RoutedTokens route(const Matrix& x) const;

  /// The layer's output [T x H]: routed output of every expert on its tokens plus the shared
  /// experts' output.
  Matrix forward(const Matrix& x) const;

  /// The routed output [T x H] of the pieces `work` (see expert_partition.h), without the
  /// shared experts. Summing it over the pieces of a partition of work_by_expert(route(x))
  /// gives the routed part of forward(x), up to fp32 rounding.
  Matrix routed_output(const Matrix& x, std::span<const ExpertWork> work) const;

  /// The shared experts' output [T x H] (zeros when the layer has none).
  Matrix shared_output(const Matrix& x) const;

  /// expert_table()[e] points to the weights of routed expert e; valid while this object
  /// lives and is not moved from.
  std::vector<const SwigluWeights*> expert_table() const;

 private:
  RouterConfig router_;
  MoeLayerWeights weights_;
};

}  // namespace moesim::kernels
