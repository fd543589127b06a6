#pragma once
/// The serving cost model built from the model card's operators: every operator of an
/// iteration is timed on its GPU by a ServingOperatorTimer, either the roofline from its FLOPs
/// and bytes (RooflineOperatorTimer; with efficiencies 1 and no kernel cost, the fastest the GPUs
/// could serve the schedule, the bound a measured or profiled run is read against) or measured
/// operator tables (DatabaseOperatorTimer, `serving.cost_model: operator_database`).
///
/// Layouts (any combination; the GPUs of one pipeline stage are data_parallel x
/// tensor_parallel, GPU g serving replica g / tensor_parallel):
///   data parallel: each replica schedules and attends to its own tokens; the experts are
///     shared by every GPU of the stage and each MoE layer adds an all-gather and a
///     reduce-scatter of every replica's tokens among the replicas (vLLM's
///     allgather_reducescatter backend);
///   tensor parallel: attention heads, dense and shared-expert FFNs, embedding and LM head are
///     split over the TP GPUs of a replica (FLOPs, weights and KV traffic divided; activations
///     and the router replicated); two all-reduces of the replica's hidden vectors per layer
///     (after attention and after the FFN or MoE block);
///   MoE layers: the stage's GPUs are expert_parallel ranks x moe_tensor_parallel slices; each
///     rank holds whole experts of the placement, each of its GPUs a slice of them along the
///     intermediate dimension (pure EP, pure MoE TP, or TRT-LLM's hybrid);
///   pipeline parallel: contiguous runs of layers per stage, as the profiled model.
/// The slowest GPU of each phase sets the pace, as in the profiled model.
///
/// Streamed weights (`host`, serving.weights: host; one GPU, roofline timer): every layer's
/// weights come over the host link beside the previous layer's compute and the decode attention
/// runs on the CPU (weight_stream_schedule.h gives the layers' span and its components).
///
/// Precision (roofline timer): each operator runs at the peak of its
/// LayerOperator::compute_dtype (at_compute_dtype: fp8 GEMMs at the fp8 peak, the attention core
/// at the bf16 peak, MXFP4/NVFP4 experts at the fp4 peak or, on a GPU without one, at bf16).

#include <array>
#include <vector>

#include <memory>
#include <optional>

#include "models/cost_model/roofline.h"
#include "models/engine/serving/batch_routing.h"
#include "models/engine/serving/close_iteration.h"
#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/layer_exchange.h"
#include "models/engine/serving/layout_collectives.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/engine/serving/rank_load.h"
#include "models/engine/serving/serving_cost_model.h"
#include "models/engine/serving/serving_operator_timer.h"
#include "models/engine/serving/weight_stream_schedule.h"
#include "models/layer_operators.h"
#include "models/model_card.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct OperatorServingConfig {
  ModelCard card;
  GpuSpec gpu;  ///< peak_flops at the model's dtype
  RooflineConfig roofline;
  ParallelLayout layout;
  double framework_overhead_us = 0.0;
  /// Two-micro-batch overlap of the layers (TwoBatchSchedule); one pipeline stage only.
  bool two_batch_overlap = false;
  Dtype kv_cache = Dtype::kBf16;  ///< of the cached keys and values
  /// Weights streamed from host memory, KV cache and decode attention on the host; none: all
  /// on the GPU.
  std::optional<HostOffload> host = std::nullopt;
};

class OperatorServingCost final : public ServingCostModel {
 public:
  /// `routing`, `collectives` and `exchange` must outlive the model. Throws std::invalid_argument
  /// for more pipeline stages than layers, expert-parallel ranks that do not divide a stage's GPUs,
  /// or a placement that does not match the expert-parallel size, and for streamed weights
  /// with more than one GPU, two-batch overlap or a `timer` of its own.
  /// `timer` null: the roofline of `config.roofline` with `config.framework_overhead_us`.
  OperatorServingCost(OperatorServingConfig config, ExpertLoadBalancer& experts,
                      RoutingGenerator& routing, LayoutCollectives& collectives,
                      LayerExchange& exchange, std::unique_ptr<ServingOperatorTimer> timer = {});

  IterationCost iteration(std::span<const ScheduledBatch> batches) override;
  std::string summary() const override { return timer_->summary(); }
  FrontEndLatency front_end() const override { return timer_->front_end(); }

 private:
  double experts_us(const std::vector<uint64_t>& load, double split) const {
    return timer_->experts(load, split);
  }
  /// The tensor-parallel all-reduce of the busiest replica's `tokens`.
  double tensor_all_reduce_us(double tokens, double token_bytes) const;

  /// Layers differ only by whether they are MoE and whether they are window layers: kind
  /// 2 x is MoE + is window.
  static constexpr size_t kKinds = 4;
  size_t kind_of(uint32_t layer) const;
  /// A rank's time in a layer of each kind, [rank][kind], and its attention and dense parts.
  std::vector<std::array<LayerTime, kKinds>> layer_times(std::span<const RankLoad> loads) const;
  /// Each replica's slowest GPU from the expert-parallel ranks' times (replica_moe_).
  void replica_maxima(const std::vector<double>& rank_us, size_t replicas);
  /// The decoder layers one after the other; fills the components and rank times of `cost`.
  void sequential_layers(std::span<const RankLoad> loads, double all_reduce_us,
                         IterationCost& cost);
  /// The decoder layers as two micro-batches of half the tokens each, overlapped
  /// (operator_overlap.cpp).
  void overlapped_layers(std::span<const RankLoad> loads, double token_bytes, IterationCost& cost);

  OperatorServingConfig config_;
  std::unique_ptr<ServingOperatorTimer> timer_;
  BatchRouting routing_;
  LayoutCollectives* collectives_;
  LayerExchange* exchange_;
  ExpertLoadBalancer* experts_;
  std::array<uint32_t, kKinds> first_layer_{};  // the first layer of each kind
  std::vector<double> rank_moe_;                // MoE time of each expert-parallel rank, one layer
  std::vector<double> replica_moe_;             // MoE time of each replica's slowest GPU, one layer
  std::vector<double> replica_tokens_;          // tokens of each replica, one iteration
  std::vector<double> layer_transfer_us_;       // streamed weights: each layer's transfer
  std::vector<StreamedLayer> streamed_;         // streamed weights: each layer, one iteration
};

}  // namespace moesim
