#include "models/comm/flow_phase_timer.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "models/comm/communicator.h"

namespace moesim {

FlowPhaseTimer::FlowPhaseTimer(const BuiltSystem& system, CommCalibration calibration,
                               const NetworkFactory& make_network)
    : system_(&system), calibration_(std::move(calibration)), network_(make_network(sim_)) {
  system.topology.install(*network_);
}

double FlowPhaseTimer::seconds(const CollectivePhase& phase, double bytes) {
  if (bytes <= 0.0) return 0.0;
  const auto& gpus = system_->topology.gpus();
  const Time start = sim_.now();
  Time last = start;
  size_t running = 0;
  std::vector<std::unique_ptr<Communicator>> comms;
  for (const auto& group : phase.groups) {
    if (group.size() < 2) continue;
    std::vector<uint32_t> vertices;
    for (const uint32_t rank : group) {
      if (rank >= gpus.size()) {
        throw std::invalid_argument(
            fmt::format("a collective group needs GPU {} of a machine of {}", rank, gpus.size()));
      }
      vertices.push_back(gpus[rank]);
    }
    comms.push_back(std::make_unique<Communicator>(sim_, *network_, system_->topology,
                                                   std::move(vertices), calibration_,
                                                   system_->reduction_switch));
    Communicator& comm = *comms.back();
    const auto finished = [this, &last, &running] {
      last = std::max(last, sim_.now());
      --running;
    };
    ++running;
    switch (phase.op) {
      case Collective::kAllGather:
        comm.all_gather(bytes, finished);
        break;
      case Collective::kReduceScatter:
        comm.reduce_scatter(bytes, finished);
        break;
      case Collective::kAllReduce:
        comm.all_reduce(bytes, AllReduceAlgorithm::kAuto, finished);
        break;
      case Collective::kAllToAll:
        comm.all_to_all(bytes, finished);
        break;
      case Collective::kSendRecv:
        comm.send(0, 1, bytes, finished);
        break;
    }
  }
  sim_.run();
  if (running != 0) throw std::logic_error("a collective phase did not finish");
  return (last - start).seconds();
}

}  // namespace moesim
