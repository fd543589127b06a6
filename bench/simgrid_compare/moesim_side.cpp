// The moesim side: the fabric as a Topology installed on a MaxMinNetwork, every flow started
// at t = 0 along Topology::path(), one Simulator run.

#include <chrono>
#include <vector>

#include "fabric.h"
#include "sim/max_min_network.h"
#include "sim/simulator.h"
#include "topologies/topology.h"

namespace moesim::compare {

SideResult run_moesim(const Fabric& fabric) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();

  Topology topology;
  std::vector<uint32_t> vertex(fabric.nodes.size());
  for (size_t i = 0; i < fabric.nodes.size(); ++i) {
    const FabricNode& n = fabric.nodes[i];
    vertex[i] = topology.add_node(n.name, n.host ? NodeKind::kGpu : NodeKind::kSwitch);
  }
  for (size_t i = 0; i < fabric.nodes.size(); ++i) {
    const FabricNode& n = fabric.nodes[i];
    if (n.parent < 0) continue;
    topology.add_duplex_link(vertex[i], vertex[n.parent], "up", "down", n.bandwidth,
                             Time::ps(n.latency_ps));
  }

  Simulator sim;
  MaxMinNetwork network(sim);
  topology.install(network);  // LinkId == topology link index

  SideResult result;
  Time last = Time::zero();
  uint64_t done = 0;
  const auto& hosts = fabric.hosts;
  for (uint32_t s = 0; s < hosts.size(); ++s) {
    for (uint32_t d = 0; d < hosts.size(); ++d) {
      if (s == d) continue;
      network.start_flow(topology.path(vertex[hosts[s]], vertex[hosts[d]]), fabric.bytes,
                         FlowTag{s, d, 0}, [&] {
                           last = sim.now();
                           ++done;
                         });
    }
  }
  const auto t1 = Clock::now();
  sim.run();
  const auto t2 = Clock::now();

  result.ok = done == fabric.flow_count();
  result.flows_done = done;
  result.completion_us = last.microseconds();
  result.setup_s = std::chrono::duration<double>(t1 - t0).count();
  result.run_s = std::chrono::duration<double>(t2 - t1).count();
  return result;
}

}  // namespace moesim::compare
