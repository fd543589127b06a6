#pragma once
/// Serving cost models: how long one engine iteration takes, given what every data-parallel
/// rank scheduled.

#include <span>
#include <string>
#include <vector>

#include "models/engine/serving/batch_scheduler.h"
#include "models/engine/serving/front_end_latency.h"
#include "models/engine/serving/two_batch_schedule.h"
#include "sim/time.h"

namespace moesim {

/// One iteration's time and where it went. Components are on the critical path (the slowest
/// rank of each phase), microseconds summed over layers.
struct IterationCost {
  Time duration;
  double attention_us = 0;      ///< attention kernels
  double dense_us = 0;          ///< norms, projections, rotary, embedding
  double moe_us = 0;            ///< routed-expert blocks
  double communication_us = 0;  ///< collectives: EP gather/scatter, TP all-reduce, PP hand-off
  double sampling_us = 0;       ///< LM head and sampler
  double overhead_us = 0;       ///< framework (scheduling, launch, Python) per iteration
  /// Streamed weights (serving.weights: host): the part of the layers' host-to-GPU weight
  /// transfers not hidden under compute (the first layer's, before anything computes, and
  /// wherever a transfer outlasts the layer it runs beside); 0 with weights on the GPU.
  double host_transfer_us = 0;
  double migration_bytes = 0;  ///< expert weights moved by a re-plan (in communication_us)
  /// Routed experts that received a token, summed over MoE layers: expert weights the
  /// iteration read (once each at least), for its bound.
  uint64_t active_experts = 0;
  /// With two-batch overlap: exchange time hidden under the other micro-batch's compute (not
  /// in communication_us, which keeps the exposed part), and the schedule of the layers
  /// (offsets from the iteration's start, after the embedding).
  double hidden_communication_us = 0;
  std::vector<OverlapSpan> overlap_spans;
  std::vector<double> rank_busy_us;  ///< kernel time of each rank, waiting excluded
  /// Kernel time of each rank in each decoder layer, [layer * ranks + rank].
  std::vector<double> layer_rank_busy_us;
  /// With pipeline parallelism, the time of each stage in turn (its layers on the slowest rank,
  /// plus embedding and overhead on the first, LM head on the last, and the hand-off of the
  /// activations to the next stage); empty without. Summed, they make `duration`.
  std::vector<double> stage_us;
};

/// Completes the stage times of a pipelined iteration whose layers are already in
/// `cost.stage_us`: the first stage also runs `first_us` (embedding, framework overhead), the
/// last `last_us` (final norm, LM head, sampler), and every stage but the last hands its
/// tokens' activations to the next in `handoff_us`, counted as communication.
inline void close_pipeline_stages(IterationCost& cost, double first_us, double last_us,
                                  double handoff_us) {
  cost.stage_us.front() += first_us;
  cost.stage_us.back() += last_us;
  for (size_t s = 0; s + 1 < cost.stage_us.size(); ++s) cost.stage_us[s] += handoff_us;
  cost.communication_us += static_cast<double>(cost.stage_us.size() - 1) * handoff_us;
}

class ServingCostModel {
 public:
  virtual ~ServingCostModel() = default;
  /// `batches[r]` is data-parallel rank r's batch (possibly empty; at least one is not).
  virtual IterationCost iteration(std::span<const ScheduledBatch> batches) = 0;
  /// One line for the run's summary about how times were found, "" when there is nothing to say.
  virtual std::string summary() const { return ""; }
  /// A request's time in the serving front end, before the engine sees it and on its first
  /// token's way back (ServingSimulation::set_front_end); none by default.
  virtual FrontEndLatency front_end() const { return {}; }
};

}  // namespace moesim
