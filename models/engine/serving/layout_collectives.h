#pragma once
/// The collectives of a serving layout, each simulated over its own group of GPUs on the
/// scenario's machine (CollectiveTimer: flows with the machine's fitted NCCL constants):
///   tensor-parallel all-reduces among the TP GPUs of one replica;
///   the expert-parallel all-gather and reduce-scatter among the data-parallel ranks;
///   the hand-off of activations from one pipeline stage to the next (one GPU to another).
/// Each group is taken as the first GPUs of the machine. Other groups of the same size time
/// the same on a machine whose GPUs are interchangeable (one switch, a full mesh), and every
/// group's collective is simulated alone on the network, as the phases of an iteration run.

#include "models/engine/serving/collective_timer.h"
#include "models/engine/serving/parallel_layout.h"

namespace moesim {

struct LayoutCollectives {
  /// Throws std::invalid_argument if the machine has fewer GPUs than a group needs.
  LayoutCollectives(const SystemConfig& config, const HardwareCatalogue& hardware,
                    const ParallelLayout& layout)
      : tensor(config, hardware, layout.tensor_parallel),
        data(config, hardware, layout.data_parallel),
        stage(config, hardware, layout.pipeline_parallel > 1 ? 2 : 1),
        pair(config, hardware, layout.expert_parallel > 1 ? 2 : 1) {}

  /// Microseconds for a pipeline stage to hand `tokens` tokens to the next: their hidden
  /// states and residual (vLLM's intermediate tensors), `token_bytes` each.
  double stage_handoff_us(double tokens, double token_bytes) {
    return 1e6 * stage.seconds(Collective::kSendRecv, 2 * tokens * token_bytes);
  }

  CollectiveTimer tensor;  ///< among the tensor_parallel GPUs of one replica
  CollectiveTimer data;    ///< among the data_parallel ranks (one GPU of each)
  CollectiveTimer stage;   ///< between two GPUs (pipeline hand-off); one GPU without stages
  CollectiveTimer pair;    ///< between two GPUs (expert weight migration); one GPU without EP
};

}  // namespace moesim
