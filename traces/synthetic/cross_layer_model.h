#pragma once
/// Cross-layer dependence: a token's r-th choice at a layer drawn, with probability
/// `strength`, from a transition row selected by its r-th choice at a source layer (pairing
/// the r-th choices, as the measured OLMoE counts do), otherwise from the layer's marginal.

#include <cstdint>
#include <vector>

#include "traces/alias_table.h"

namespace moesim {

struct LayerTransition {
  uint32_t source = 0;    ///< the earlier layer whose choices condition this layer's
  double strength = 0.0;  ///< chance of drawing from the row instead of the marginal, [0, 1]
  /// Row per source expert for the first choice and for later choices; an empty row (a source
  /// expert never seen at that rank) falls back to the marginal.
  std::vector<AliasTable> first_rows;
  std::vector<AliasTable> rest_rows;
};

class CrossLayerModel {
 public:
  virtual ~CrossLayerModel() = default;
  /// The transition into `layer`, or nullptr when the layer is drawn from its marginal only.
  virtual const LayerTransition* at(uint32_t layer) = 0;
  /// True when the transition into some layer conditions on `layer`'s choices (so they must
  /// be drawn, and kept, per token).
  virtual bool is_source(uint32_t layer) const = 0;
};

}  // namespace moesim
