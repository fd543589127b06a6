#pragma once
/// One engine iteration of a serving run: when it ran on each pipeline stage and what it cost.

#include <utility>
#include <vector>

#include "models/engine/serving/serving_cost_model.h"
#include "sim/time.h"

namespace moesim {

struct IterationRecord {
  Time start, end;
  std::vector<std::pair<Time, Time>> stages;  ///< start and end on each pipeline stage
  uint64_t tokens = 0;                        ///< tokens computed (prompt and decode)
  IterationCost cost;
};

}  // namespace moesim
