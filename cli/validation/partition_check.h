#pragma once
/// `moesim validate SCENARIO`: proves that the scenario's strategy computes what the model
/// computes. The reference kernels run on the scenario's routed tokens (the first `tokens`
/// of its routing, seeded synthetic token vectors and uniform weights at the model's real
/// sizes, combine weights from a synthetic router over the chosen experts) once
/// unpartitioned, and once split the way the placement splits the work: each rank computes
/// its own experts (replicas share an expert's tokens), and every token's home sums the
/// partial outputs it gets back, in the order the dispatch strategy's combine adds them (per
/// rank, per expert, per node, or around a reduce-scatter ring). The two outputs must agree
/// to fp32 tolerance. The same exchange is then replayed with the payload in the strategy's
/// dtypes and its deviation reported (lossy: no tolerance).

#include <cstdint>
#include <string>

#include "cli/app/scenario_config.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

struct PartitionCheckOptions {
  uint32_t tokens = 64;  ///< routed tokens checked (a prefix of the scenario's batch)
  /// Test hook: rank 0's partial outputs are lost on the way home. The check must then fail.
  bool drop_rank0 = false;
};

struct PartitionCheckReport {
  std::string partition;  ///< what was checked, one line per rank
  uint32_t tokens = 0;
  uint32_t ranks = 0;
  double max_abs_error = 0.0;  ///< max over elements of |partitioned - reference|
  double rel_l2_error = 0.0;   ///< ||partitioned - reference|| / ||reference||
  double tolerance = 0.0;      ///< the largest rel_l2_error that passes
  bool passed = false;
  std::string dispatch;  ///< the dispatch strategy and its combine order
  /// The same with the payload as the strategy sends it (bf16, fp8): lossy, reported only.
  std::string payload_dtypes;
  double payload_rel_l2_error = 0.0;
};

/// Throws std::invalid_argument if the scenario's strategies cannot be built.
PartitionCheckReport check_partition(const ScenarioConfig& config, const StrategyCatalog& catalog,
                                     const PartitionCheckOptions& options);

}  // namespace moesim
