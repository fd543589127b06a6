// The GPUs of a serving layout on a machine of one or many nodes, and the collectives its groups
// run there together: which GPUs each group uses, that groups crossing the fabric are slower
// than groups inside a node, that groups sharing links slow each other down, and that the
// closed-form collective model equals the flow model where nothing is shared.

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "models/comm/closed_form_phase_timer.h"
#include "models/comm/flow_phase_timer.h"
#include "models/engine/serving/layout_collectives.h"
#include "sim/max_min_network.h"
#include "support/machines.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

namespace {

using moesim::BuiltSystem;
using moesim::Collective;
using moesim::CollectivePhase;
using moesim::GpuGroups;
using moesim::LayoutGpus;
using moesim::ParallelLayout;

using moesim::test::h100_nodes;

std::unique_ptr<moesim::FlowPhaseTimer> flows(const BuiltSystem& system) {
  return std::make_unique<moesim::FlowPhaseTimer>(
      system, moesim::CommCalibration{},
      [](moesim::Simulator& sim) { return std::make_unique<moesim::MaxMinNetwork>(sim); });
}

ParallelLayout layout(uint32_t dp, uint32_t tp, uint32_t pp, uint32_t ep) {
  return ParallelLayout{dp, ep, tp, pp};
}

}  // namespace

TEST_CASE("a layout numbers its GPUs stage-major with tensor parallelism innermost",
          "[serving][layout]") {
  const LayoutGpus gpus(layout(2, 4, 2, 8));  // 16 GPUs: two stages of two TP4 replicas
  CHECK(gpus.gpu(0, 0, 0) == 0);
  CHECK(gpus.gpu(0, 1, 3) == 7);
  CHECK(gpus.gpu(1, 0, 0) == 8);
  CHECK(gpus.tensor_groups(1) == GpuGroups{{8, 9, 10, 11}, {12, 13, 14, 15}});
  CHECK(gpus.data_groups(0) == GpuGroups{{0, 4}, {1, 5}, {2, 6}, {3, 7}});
  CHECK(gpus.handoff_pairs(0) == GpuGroups{{0, 8}, {4, 12}});
  CHECK(gpus.handoff_pairs(1).empty());
  CHECK(gpus.migration_pairs(1).front() == std::vector<uint32_t>{9, 8});
  CHECK(gpus.migration_pairs(1).back() == std::vector<uint32_t>{8, 15});
  // Hybrid MoE split: 8 GPUs of a stage as 4 expert-parallel ranks of 2 slices.
  const LayoutGpus hybrid(layout(2, 4, 1, 4));
  CHECK(hybrid.layout().moe_tensor_parallel() == 2);
  CHECK(hybrid.expert_rank(5) == 1);
}

TEST_CASE("tensor-parallel groups stay inside a node and data-parallel groups cross nodes",
          "[serving][layout]") {
  const BuiltSystem two_nodes = h100_nodes(2);
  const BuiltSystem one_node = h100_nodes(1);
  const double bytes = 64e6;
  // DP2 x TP8 on two nodes: each replica's all-reduce runs on its own node's NVLink, as fast as
  // a TP8 all-reduce on a single node; the data-parallel gather crosses InfiniBand.
  moesim::LayoutCollectives cluster(layout(2, 8, 1, 16), 16, flows(two_nodes));
  moesim::LayoutCollectives single(layout(1, 8, 1, 8), 8, flows(one_node));
  CHECK(cluster.tensor_all_reduce_us(bytes) == Approx(single.tensor_all_reduce_us(bytes)));
  moesim::LayoutCollectives dp_in_node(layout(8, 1, 1, 8), 8, flows(one_node));
  moesim::LayoutCollectives dp_across(layout(2, 8, 1, 16), 16, flows(two_nodes));
  // Two ranks over 50 GB/s NICs against eight over 450 GB/s NVLink: several times slower.
  CHECK(dp_across.expert_all_gather_us(bytes) > 3 * dp_in_node.expert_all_gather_us(bytes));
  CHECK(dp_across.expert_reduce_scatter_us(bytes) > 3 * dp_in_node.expert_reduce_scatter_us(bytes));
  CHECK_THROWS_WITH(moesim::LayoutCollectives(layout(4, 8, 1, 32), 16, flows(two_nodes)),
                    "the layout needs 32 GPUs but the machine has 16");
}

TEST_CASE("groups that share fabric links slow each other down", "[serving][layout]") {
  // Two nodes on a fat tree of 8 NIC ports per leaf, 4:1 oversubscribed: the eight
  // data-parallel pairs of DP2 x TP8 all cross the two leaves' uplinks together.
  const BuiltSystem system = h100_nodes(2, 4.0);
  const LayoutGpus gpus(layout(2, 8, 1, 16));
  const GpuGroups all = gpus.data_groups(0);
  auto timer = flows(system);
  const double together = timer->seconds({Collective::kAllGather, all}, 64e6);
  const double alone = timer->seconds({Collective::kAllGather, {all.front()}}, 64e6);
  CHECK(together > 2 * alone);
  moesim::ClosedFormPhaseTimer closed(system, moesim::CommCalibration{});
  CHECK(closed.seconds({Collective::kAllGather, all}, 64e6) > 2 * alone);
}

TEST_CASE("the closed-form collective model equals the flow model where no link is shared",
          "[serving][layout]") {
  const BuiltSystem node = h100_nodes(1);
  const LayoutGpus gpus(layout(2, 4, 1, 8));
  moesim::CommCalibration nccl;
  nccl.protocols = {{"ll", moesim::Time::us(5), moesim::Time::us(1), 0.4, false},
                    {"simple", moesim::Time::us(20), moesim::Time::us(3), 0.9, true}};
  auto flow = std::make_unique<moesim::FlowPhaseTimer>(node, nccl, [](moesim::Simulator& sim) {
    return std::make_unique<moesim::MaxMinNetwork>(sim);
  });
  moesim::ClosedFormPhaseTimer closed(node, nccl);
  for (const double bytes : {4e3, 1e6, 256e6}) {
    for (const CollectivePhase& phase :
         {CollectivePhase{Collective::kAllReduce, gpus.tensor_groups(0)},
          CollectivePhase{Collective::kAllGather, gpus.data_groups(0)},
          CollectivePhase{Collective::kReduceScatter, gpus.data_groups(0)},
          CollectivePhase{Collective::kAllToAll, {{0, 1, 2, 3, 4, 5, 6, 7}}},
          CollectivePhase{Collective::kSendRecv, gpus.migration_pairs(0)}}) {
      // The flow model rounds every event to whole picoseconds: equal to a part per million.
      CHECK(closed.seconds(phase, bytes) == Approx(flow->seconds(phase, bytes)).epsilon(1e-6));
    }
  }
}
