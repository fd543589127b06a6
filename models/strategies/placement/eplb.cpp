#include "models/strategies/placement/eplb.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "models/engine/serving/parallel_layout.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/placement/balanced_packing.h"

namespace moesim {
namespace {

/// Replica counts: one each, then every extra slot to the expert with the most load per
/// replica (ties: lower id), at most `cap` replicas each (one per GPU of the node).
std::vector<uint32_t> replicate(const std::vector<double>& load, uint32_t slots, uint32_t cap) {
  std::vector<uint32_t> count(load.size(), 1);
  for (uint32_t extra = static_cast<uint32_t>(load.size()); extra < slots; ++extra) {
    int best = -1;
    for (size_t e = 0; e < load.size(); ++e) {
      if (count[e] >= cap) continue;
      if (best < 0 || load[e] / count[e] > load[best] / count[best]) best = static_cast<int>(e);
    }
    if (best < 0) {
      throw std::invalid_argument(
          "eplb: more replicas than the experts can take, one per GPU of a node each");
    }
    ++count[best];
  }
  return count;
}

}  // namespace

ExpertPlacement EplbPlacement::place(const PlacementContext& c) const {
  const uint32_t experts = c.experts, ranks = c.ranks;
  if (experts == 0 || ranks == 0) throw std::invalid_argument("placement needs experts and ranks");
  const uint32_t slots = experts + params_.redundant;
  if (slots % ranks != 0) {
    throw std::invalid_argument(fmt::format(
        "eplb: experts + redundant = {} must be a multiple of the {} expert-parallel ranks", slots,
        ranks));
  }
  const uint32_t per_rank = slots / ranks;
  uint32_t nodes = c.nodes();
  const uint32_t groups = params_.groups == 0 ? nodes : params_.groups;
  // Hierarchical only where groups split evenly over nodes and experts over groups.
  if (nodes < 2 || groups % nodes != 0 || experts % groups != 0 || slots % nodes != 0) nodes = 1;
  std::vector<double> load = c.expert_load;
  if (load.size() != experts) load.assign(experts, 1.0);

  // 1. Groups of consecutive experts onto nodes, groups / nodes each.
  std::vector<uint32_t> node_of_expert(experts, 0);
  if (nodes > 1) {
    const uint32_t group_size = experts / groups;
    std::vector<double> group_load(groups, 0.0);
    for (uint32_t e = 0; e < experts; ++e) group_load[e / group_size] += load[e];
    const auto node_of_group =
        balanced_packing(group_load, std::vector<uint32_t>(nodes, groups / nodes));
    for (uint32_t e = 0; e < experts; ++e) node_of_expert[e] = node_of_group[e / group_size];
  }

  ExpertPlacement p;
  p.ranks = ranks;
  p.replica_choice = params_.replica_choice;
  p.ranks_of_expert.resize(experts);
  const uint32_t ranks_per_node = ranks / nodes;
  for (uint32_t node = 0; node < nodes; ++node) {
    // 2. The node's experts replicated into its slots.
    std::vector<uint32_t> members;
    for (uint32_t e = 0; e < experts; ++e) {
      if (node_of_expert[e] == node) members.push_back(e);
    }
    std::vector<double> member_load;
    for (const uint32_t e : members) member_load.push_back(load[e]);
    const uint32_t node_slots = per_rank * ranks_per_node;
    if (members.size() > node_slots) throw std::invalid_argument("eplb: a node has too few slots");
    const auto count = replicate(member_load, node_slots, ranks_per_node);
    // 3. Slots (load / replicas each) onto the node's GPUs, per_rank each, replicas of one
    // expert on distinct GPUs where possible.
    std::vector<double> slot_load;
    std::vector<uint32_t> slot_expert;
    for (size_t i = 0; i < members.size(); ++i) {
      for (uint32_t j = 0; j < count[i]; ++j) {
        slot_load.push_back(member_load[i] / count[i]);
        slot_expert.push_back(members[i]);
      }
    }
    const auto gpu_of_slot =
        balanced_packing(slot_load, std::vector<uint32_t>(ranks_per_node, per_rank), slot_expert);
    for (size_t s = 0; s < slot_expert.size(); ++s) {
      auto& ranks_of = p.ranks_of_expert[slot_expert[s]];
      const uint32_t rank = node * ranks_per_node + gpu_of_slot[s];
      if (std::find(ranks_of.begin(), ranks_of.end(), rank) == ranks_of.end()) {
        ranks_of.push_back(rank);
      }
    }
  }
  for (auto& r : p.ranks_of_expert) std::sort(r.begin(), r.end());
  return p;
}

namespace {

/// Serving scenarios know the expert-parallel ranks at load time: report a redundant count that
/// does not fill them evenly at its key (the layer path reports it when the machine is built).
void check_eplb(Params& p, const ParamCheckContext& c) {
  if (!c.serving && p.given("rebalance_every")) {
    throw ParamError("rebalance_every",
                     "re-plans happen between serving iterations; a layer "
                     "scenario runs one forward");
  }
  if (c.layout == nullptr || c.model == nullptr) return;
  const uint64_t slots = c.model->num_experts + p.whole("redundant");
  const uint32_t ranks = c.layout->expert_parallel;
  if (slots % ranks != 0) {
    throw ParamError("redundant", fmt::format("experts + redundant = {} must be a multiple of the "
                                              "{} expert-parallel ranks",
                                              slots, ranks));
  }
  const uint64_t most = uint64_t{c.model->num_experts} * (ranks - 1);
  if (p.whole("redundant") > most) {
    throw ParamError("redundant", fmt::format("at most {} on {} ranks (the replicas of one expert "
                                              "go on distinct ranks)",
                                              most, ranks));
  }
}

}  // namespace

PlacementFamily::Entry EplbPlacement::entry() {
  return {{"eplb",
           "DeepSeek EPLB: redundant replicas of the hottest experts, packed by node then GPU",
           {param::whole("redundant", 0,
                         "extra expert replicas in total; experts + redundant must be a multiple "
                         "of the expert-parallel ranks")
                .in(0, 65536),
            param::whole("groups", 0,
                         "expert groups packed onto nodes (hierarchical when a multiple of the "
                         "nodes); 0: one group per node")
                .in(0, 65536),
            param::whole("rebalance_every", 0,
                         "serving iterations between re-plans from the last window's loads; 0: "
                         "static")
                .in(0, 1e9),
            param::choice("replica_choice", "round_robin", {"round_robin", "least_loaded"},
                          "which replica serves a token: in turn, or the least-loaded rank")},
           check_eplb},
          [](const PlacementContext&, const Params& p) {
            EplbParams e;
            e.redundant = static_cast<uint32_t>(p.whole("redundant"));
            e.groups = static_cast<uint32_t>(p.whole("groups"));
            e.rebalance_every = static_cast<uint32_t>(p.whole("rebalance_every"));
            e.replica_choice = p.text("replica_choice") == "least_loaded"
                                   ? ReplicaChoice::kLeastLoaded
                                   : ReplicaChoice::kRoundRobin;
            return std::make_unique<EplbPlacement>(e);
          }};
}

}  // namespace moesim
