#pragma once
/// Where a token's experts come from at one layer, before cross-layer and temporal effects:
/// one distribution for the first (highest-scoring) choice and one for the others, so that a
/// measured top-1 skew can differ from the skew of all top-k slots. Synthetic models use the
/// same distribution for both.

#include <cstdint>

#include "traces/alias_table.h"

namespace moesim {

struct LayerPopularity {
  AliasTable first;  ///< the first choice
  AliasTable rest;   ///< the second and later choices (before excluding experts already chosen)
};

class ExpertPopularity {
 public:
  virtual ~ExpertPopularity() = default;
  /// The popularity at `layer` for the `token`-th token routed at that layer (counted from 0
  /// over the generator's life), for models whose popularity drifts over time.
  virtual const LayerPopularity& at(uint32_t layer, uint64_t token) = 0;
  /// False when at(layer, token) is one object for all tokens of a layer, never changed or
  /// moved: count-level drawing keeps what it computes from it (SyntheticRouting).
  virtual bool drifts() const = 0;
};

}  // namespace moesim
