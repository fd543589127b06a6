#include "models/comm/flow_phase_timer.h"

#include <algorithm>
#include <stdexcept>

#include "models/comm/communicator.h"

namespace moesim {

FlowPhaseTimer::FlowPhaseTimer(const BuiltSystem& system, CommCalibration calibration,
                               const NetworkFactory& make_network)
    : system_(&system), calibration_(std::move(calibration)), network_(make_network(sim_)) {
  system.topology.install(*network_);
}

double FlowPhaseTimer::seconds(const CollectivePhase& phase, double bytes) {
  if (bytes <= 0.0) return 0.0;
  const Time start = sim_.now();
  Time last = start;
  size_t running = 0;
  std::vector<std::unique_ptr<Communicator>> comms;
  for (const auto& group : phase.groups) {
    if (group.size() < 2) continue;
    std::vector<uint32_t> vertices = group_vertices(system_->topology, group);
    comms.push_back(std::make_unique<Communicator>(sim_, *network_, system_->topology,
                                                   std::move(vertices), calibration_,
                                                   system_->reduction_switch));
    Communicator& comm = *comms.back();
    const auto finished = [this, &last, &running] {
      last = std::max(last, sim_.now());
      --running;
    };
    ++running;
    issue_collective(comm, phase.op, bytes, AllReduceAlgorithm::kAuto, finished);
  }
  sim_.run();
  if (running != 0) throw std::logic_error("a collective phase did not finish");
  return (last - start).seconds();
}

}  // namespace moesim
