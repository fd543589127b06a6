#pragma once
/// The collective-level network model: a phase's time in closed form, no flows simulated.
///
/// Each group runs its collective as the Communicator would (models/comm/communicator.h): the
/// same algorithm steps, the same paths (ECMP by endpoint hash) and the same choice of
/// protocol and algorithm, each group by its own uncontended estimate, as NCCL's tuner
/// chooses. Every step of a collective repeats the same transfers (a ring step, the single step
/// of an all-to-all, a send), so a step's time is its latency terms (the protocol's step
/// latency, the longest path latency) plus its wire time: for each link the bytes that every
/// group's step puts on it (divided by the protocol's bandwidth efficiency) over the link's
/// bandwidth, the maximum over the links of the group's paths. A group lasts the protocol's
/// base latency plus its steps; the phase lasts as long as its slowest group. This is exact
/// where no two transfers share a link (a single switch, a full mesh: there it equals the
/// flow-level model) and otherwise assumes the groups' steps overlap throughout, each link
/// draining its bytes at full bandwidth.

#include <vector>

#include "models/comm/phase_timer.h"
#include "topologies/system_config.h"

namespace moesim {

class ClosedFormPhaseTimer final : public PhaseTimer {
 public:
  /// `system` must outlive the timer.
  ClosedFormPhaseTimer(const BuiltSystem& system, CommCalibration calibration);

  double seconds(const CollectivePhase& phase, double bytes) override;

 private:
  struct Transfer {
    uint32_t src;
    uint32_t dst;
    double bytes;
    bool switch_reduced;
  };
  struct Plan {  // one group's collective: `repeats` steps of the same transfers
    uint32_t repeats = 0;
    std::vector<Transfer> step;
    const CommProtocol* protocol = nullptr;
    double latency_s = 0;  // base latency + repeats x (step latency + longest path latency)
  };
  /// The candidate plans of `op` over `vertices` (algorithms), protocols not yet chosen.
  std::vector<Plan> candidates(Collective op, const std::vector<uint32_t>& vertices,
                               double bytes) const;
  /// Chooses the plan and protocol with the shortest uncontended estimate.
  Plan choose(std::vector<Plan> plans);
  /// Per step: the longest path latency and (with `load` filled by add_load) the wire time.
  double path_latency(const Plan& plan) const;
  void add_load(const Plan& plan);
  void clear_load();
  double wire_seconds(const Plan& plan) const;
  double efficiency(const Plan& plan, const Transfer& t) const;

  const BuiltSystem* system_;
  CommCalibration calibration_;
  std::vector<double> load_;       // bytes on each link in one step, for the plans added
  std::vector<uint32_t> touched_;  // links whose load is not 0
};

}  // namespace moesim
