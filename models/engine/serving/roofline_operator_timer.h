#pragma once
/// The roofline's operator times (strategies.cost_model: efficiencies and a per-kernel cost)
/// from the FLOPs and bytes of the model card's operators (models/layer_operators.h): the
/// hardware limit at efficiency 1, for any card on any catalogue GPU. Each operator runs at the
/// peak of its compute dtype (at_compute_dtype); the KV cache a GPU reads is its share
/// (kv_share_per_gpu: whole KV heads or the whole MLA latent per TP rank).
///
/// With streamed weights (`host`, serving.weights: host) the KV cache is in host memory and
/// the decode part of the attention core runs on the CPU sockets (LayerTime::cpu): the larger
/// of its KV bytes read and written over the sockets' memory bandwidth and its FLOPs over
/// their vector FLOP/s, at the catalogue's peaks (bandwidth-bound in practice, as MoE-Lens
/// finds its AVX-512 kernel). Prefill attention stays on the GPU; the prefill tokens' KV goes
/// to the host over the link's device-to-host direction, which the weights (host to device)
/// do not use, so it is not charged.

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "models/cost_model/roofline.h"
#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/serving_operator_timer.h"
#include "models/layer_operators.h"
#include "models/model_card.h"
#include "topologies/hardware_specs.h"

namespace moesim {

class RooflineOperatorTimer final : public ServingOperatorTimer {
 public:
  /// `split`: the tensor-parallel degree (heads, dense FFNs, embedding and LM head are divided
  /// over it; activations and the router are not). `overhead_us`: fixed per iteration.
  RooflineOperatorTimer(ModelCard card, GpuSpec gpu, const RooflineConfig& roofline, double split,
                        double overhead_us, Dtype kv_cache = Dtype::kBf16,
                        std::optional<HostOffload> host = std::nullopt);

  LayerTime layer(const RankLoad& load, uint32_t layer) const override;
  double experts(const std::vector<uint64_t>& tokens, double moe_tensor_parallel) const override;
  double embedding(const RankLoad& load) const override { return outside_layers(load, false); }
  double head(const RankLoad& load) const override { return outside_layers(load, true); }
  double overhead(std::span<const RankLoad>) const override { return overhead_us_; }

 private:
  /// Microseconds of `ops`, accumulated into the attention or dense share of `time`.
  void add(const std::vector<LayerOperator>& ops, LayerTime& time) const;
  /// The embedding (`head` false) or the LM head of a rank.
  double outside_layers(const RankLoad& load, bool head) const;
  /// Moves the decode part of layer `layer`'s attention core out of `ops` (the batch of
  /// `load`) to the CPU: sets time.cpu, leaves the prefill part (if any) in `ops`.
  void decode_attention_to_cpu(std::vector<LayerOperator>& ops, const RankLoad& load,
                               uint32_t layer, LayerTime& time) const;
  /// The GPU with peak_flops at `dtype` (at_compute_dtype), from gpus_.
  const GpuSpec& gpu_at(std::string_view dtype) const;

  ModelCard card_;
  GpuSpec gpu_;
  RooflineCostModel roofline_;
  double split_;
  double overhead_us_;
  Dtype kv_cache_;
  std::optional<HostOffload> host_;
  std::vector<uint64_t> no_load_;
  std::vector<std::pair<std::string_view, GpuSpec>> gpus_;  // the GPU at each compute dtype
};

}  // namespace moesim
