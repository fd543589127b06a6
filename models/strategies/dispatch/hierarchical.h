#pragma once
/// Hierarchical exchange across nodes: each token crosses the network once per destination
/// node, to the GPU with its sender's local index (the rail peer), and is forwarded over the
/// node's scale-up links to every rank there that holds one of its experts (DeepEP's normal
/// internode kernels and NVSHMEM-style dispatchers route this way; DeepSpeed's hierarchical
/// all-to-all aggregates within the node first). The two steps run one after the other;
/// combine runs them in reverse. On one node it is the flat exchange.

#include "models/strategies/dispatch/dispatch_payload.h"

namespace moesim {

class HierarchicalDispatch final : public DispatchStrategy {
 public:
  explicit HierarchicalDispatch(PayloadParams payload) : payload_(payload) {}

  ExchangeResult exchange(const TokenMatrix& tokens, ExchangeMachine& machine) const override;
  CombineOrder combine_order() const override { return CombineOrder::kPerNode; }
  PayloadDtypes payload_dtypes() const override { return payload_.dtypes; }

  static DispatchFamily::Entry entry();

 private:
  PayloadParams payload_;
};

}  // namespace moesim
