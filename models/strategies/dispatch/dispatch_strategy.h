#pragma once
/// Dispatch and combine: how one MoE layer's tokens reach the ranks of their experts and their
/// results come back, and how long that takes (strategies.dispatch).
///
/// The serving engine gives each strategy the layer's token matrix (routing x placement,
/// TokenMatrix) and an ExchangeMachine (the expert-parallel ranks on the machine); the strategy
/// decides what moves where, in which payload dtype, and in how many steps.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "models/strategies/dispatch/exchange_machine.h"
#include "models/strategies/dispatch/token_matrix.h"
#include "models/strategies/strategy_family.h"
#include "topologies/hardware_catalogue.h"

namespace moesim {

struct MoeLayerShape;

/// One layer's exchange: times and what it moved.
struct ExchangeResult {
  double dispatch_us = 0;
  double combine_us = 0;
  double bytes = 0;               ///< bytes that left a GPU, dispatch and combine, all ranks
  double bytes_across_nodes = 0;  ///< of those, bytes that left a node
  double bytes_saved = 0;         ///< bytes a speculative strategy did not have to move
};

/// How a combine sums the expert outputs of a token on their way home: the order of the
/// additions, which `moesim validate SCENARIO` replays on the reference kernels.
enum class CombineOrder : uint8_t {
  kPerRank,    ///< each rank sums its experts' outputs for a token; the home sums the ranks'
  kPerExpert,  ///< every expert's output travels home on its own; the home sums them
  kPerNode,    ///< the ranks' sums are summed inside each node, the home sums the nodes'
  kRing,       ///< a reduce-scatter: partial sums accumulate rank after rank around a ring
};

/// "per rank", "per expert", "per node", "ring reduce-scatter".
inline const char* to_string(CombineOrder order) {
  switch (order) {
    case CombineOrder::kPerRank:
      return "per rank";
    case CombineOrder::kPerExpert:
      return "per expert";
    case CombineOrder::kPerNode:
      return "per node";
    case CombineOrder::kRing:
      return "ring reduce-scatter";
  }
  return "unknown";
}

/// The dtypes a strategy's payload travels in ("bf16", "fp8").
struct PayloadDtypes {
  std::string dispatch = "bf16", combine = "bf16";
};

class DispatchStrategy {
 public:
  virtual ~DispatchStrategy() = default;
  /// Dispatch and combine of one MoE layer whose traffic is `tokens`.
  virtual ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const = 0;
  /// The share of the GPU's compute that experts running beside this exchange keep (two-batch
  /// overlap): 1 unless the exchange's kernels occupy SMs.
  virtual double compute_share_beside() const { return 1.0; }
  /// Whether exchange() reads where the tokens go (pairs and tokens per rank and node); when
  /// not, callers may pass a matrix with the source tokens only.
  virtual bool uses_destinations() const { return true; }
  virtual CombineOrder combine_order() const = 0;
  virtual PayloadDtypes payload_dtypes() const = 0;
};

struct DispatchContext {
  const MoeLayerShape* model = nullptr;  ///< hidden size: the bytes of a token
  /// Where kernel constants are found (deepep.yaml), for the scenario's GPU.
  std::filesystem::path catalogue_dir;
  std::string gpu;
  const HardwareCatalogue* hardware = nullptr;
};

using DispatchFamily = StrategyFamily<DispatchStrategy, DispatchContext>;

void add_builtin_dispatch(DispatchFamily& family);

}  // namespace moesim
