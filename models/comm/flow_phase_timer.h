#pragma once
/// Times collective phases by running them on one persistent flow network of the machine (the
/// network strategy's model, e.g. max-min fair flows): every group's collective is started at
/// the same instant through a Communicator on the group's own GPUs, and the phase lasts until
/// the last one finishes. The simulator and its network live as long as the timer, so all the
/// phases of a run share the same links and clock.

#include <functional>
#include <memory>

#include "models/comm/phase_timer.h"
#include "sim/network_model.h"
#include "sim/simulator.h"
#include "topologies/system_config.h"

namespace moesim {

class FlowPhaseTimer final : public PhaseTimer {
 public:
  using NetworkFactory = std::function<std::unique_ptr<NetworkModel>(Simulator&)>;

  /// `system` must outlive the timer; `make_network` builds the network on the timer's
  /// simulator, and the machine's links are installed on it.
  FlowPhaseTimer(const BuiltSystem& system, CommCalibration calibration,
                 const NetworkFactory& make_network);

  double seconds(const CollectivePhase& phase, double bytes) override;

 private:
  const BuiltSystem* system_;
  CommCalibration calibration_;
  Simulator sim_;
  std::unique_ptr<NetworkModel> network_;
};

}  // namespace moesim
