#pragma once
/// DeepEP's kernels (github.com/deepseek-ai/DeepEP) as dispatch strategies, timed by the fitted
/// kernel model (models/comm/deepep_model.h) on every rank's own traffic; the slowest rank sets
/// the layer's time.
///   deepep_normal: the high-throughput kernels (training, prefill): a token once per distinct
///     destination rank, FP8 dispatch and BF16 combine, `sms` SMs per kernel. Across nodes a
///     token crosses the NIC once per destination node and is forwarded over NVLink there
///     (DeepEP's internode normal kernels). With overlap the experts beside it run on the other
///     SMs (compute_share_beside).
///   deepep_low_latency: the low-latency kernels (decode): one message per chosen expert (FP8
///     token and header; BF16 back), on the SMs DeepEP launches for the experts; its receive
///     hook takes no SMs from the experts.

#include <cstdint>

#include "models/comm/deepep_model.h"
#include "models/strategies/dispatch/dispatch_strategy.h"

namespace moesim {

class DeepEpDispatch final : public DispatchStrategy {
 public:
  /// kAuto: normal kernels for iterations with prompt tokens, low-latency ones for pure decode
  /// (SGLang's deepep_mode auto).
  enum class Kernels : uint8_t { kNormal, kLowLatency, kAuto };
  /// `sms`: the normal kernels' SM budget (ignored by the low-latency ones).
  DeepEpDispatch(DeepEpModel model, Kernels kernels, uint32_t sms, uint32_t hidden,
                 uint32_t experts);

  ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const override;
  /// Normal kernels reduce inside the node before crossing it; low-latency ones send every
  /// expert's output home. kAuto as in a batch of prompt tokens (normal).
  CombineOrder combine_order() const override {
    return kernels_ == Kernels::kLowLatency ? CombineOrder::kPerExpert : CombineOrder::kPerNode;
  }
  PayloadDtypes payload_dtypes() const override { return {"fp8", "bf16"}; }
  /// The normal kernels' SMs are taken from the experts beside them; the low-latency receive
  /// hook takes none. kAuto counts them in every iteration (an upper estimate for decode).
  double compute_share_beside() const override;

  static DispatchFamily::Entry normal_entry();
  static DispatchFamily::Entry low_latency_entry();
  static DispatchFamily::Entry auto_entry();

 private:
  double kernel_us(const EpTraffic& t, bool normal, bool dispatch) const;

  DeepEpModel model_;
  Kernels kernels_;
  uint32_t sms_, hidden_, experts_;
};

}  // namespace moesim
