#include "models/comm/collective_simulation.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/max_min_network.h"

namespace moesim {

std::optional<Collective> parse_collective(std::string_view name) {
  if (name == "all_gather") return Collective::kAllGather;
  if (name == "reduce_scatter") return Collective::kReduceScatter;
  if (name == "all_reduce") return Collective::kAllReduce;
  if (name == "alltoall") return Collective::kAllToAll;
  return std::nullopt;
}

std::string_view to_string(Collective op) {
  switch (op) {
    case Collective::kAllGather:
      return "all_gather";
    case Collective::kReduceScatter:
      return "reduce_scatter";
    case Collective::kAllReduce:
      return "all_reduce";
    case Collective::kAllToAll:
      return "alltoall";
    case Collective::kSendRecv:
      return "send_recv";
  }
  return "unknown";
}

std::vector<AllReduceAlgorithm> candidate_algorithms(const SystemConfig& config,
                                                     const BuiltSystem& system, Collective op) {
  if (op == Collective::kAllReduce && config.switch_reduction &&
      system.reduction_switch != UINT32_MAX) {
    return {AllReduceAlgorithm::kRing, AllReduceAlgorithm::kSwitchReduce};
  }
  return {AllReduceAlgorithm::kRing};
}

uint32_t collective_steps(Collective op, uint32_t ranks, AllReduceAlgorithm algorithm) {
  switch (op) {
    case Collective::kAllGather:
    case Collective::kReduceScatter:
      return ranks - 1;
    case Collective::kAllReduce:
      return algorithm == AllReduceAlgorithm::kSwitchReduce ? 1 : 2 * (ranks - 1);
    case Collective::kAllToAll:
    case Collective::kSendRecv:
      return 1;
  }
  return 0;
}

void issue_collective(Communicator& comm, Collective op, double bytes, AllReduceAlgorithm algorithm,
                      Communicator::Callback done) {
  switch (op) {
    case Collective::kAllGather:
      comm.all_gather(bytes, std::move(done));
      break;
    case Collective::kReduceScatter:
      comm.reduce_scatter(bytes, std::move(done));
      break;
    case Collective::kAllReduce:
      comm.all_reduce(bytes, algorithm, std::move(done));
      break;
    case Collective::kAllToAll:
      comm.all_to_all(bytes, std::move(done));
      break;
    case Collective::kSendRecv:
      if (comm.size() < 2) throw std::invalid_argument("a send-receive needs two GPUs");
      comm.send(0, 1, bytes, std::move(done));
      break;
  }
}

Time simulate_collective(const SystemConfig& config, const BuiltSystem& system, Collective op,
                         uint32_t ranks, double bytes, const CommCalibration& calibration,
                         AllReduceAlgorithm algorithm) {
  const auto& gpus = system.topology.gpus();
  if (ranks == 0 || ranks > gpus.size()) {
    throw std::invalid_argument(fmt::format("system '{}' has {} GPUs, the collective needs {}",
                                            config.name, gpus.size(), ranks));
  }
  Simulator sim;
  MaxMinNetwork network(sim);
  system.topology.install(network);
  Communicator comm(sim, network, system.topology,
                    std::vector<uint32_t>(gpus.begin(), gpus.begin() + ranks), calibration,
                    system.reduction_switch);
  bool done = false;
  issue_collective(comm, op, bytes, algorithm, [&done] { done = true; });
  sim.run();
  if (!done) throw std::logic_error("collective did not finish (event queue drained)");
  return sim.now();
}

}  // namespace moesim
