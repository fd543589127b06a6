#include "models/engine/serving/layout_gpus.h"

namespace moesim {

GpuGroups LayoutGpus::tensor_groups(uint32_t stage) const {
  GpuGroups groups(layout_.data_parallel);
  for (uint32_t r = 0; r < layout_.data_parallel; ++r) {
    for (uint32_t t = 0; t < layout_.tensor_parallel; ++t) groups[r].push_back(gpu(stage, r, t));
  }
  return groups;
}

GpuGroups LayoutGpus::data_groups(uint32_t stage) const {
  GpuGroups groups(layout_.tensor_parallel);
  for (uint32_t t = 0; t < layout_.tensor_parallel; ++t) {
    for (uint32_t r = 0; r < layout_.data_parallel; ++r) groups[t].push_back(gpu(stage, r, t));
  }
  return groups;
}

GpuGroups LayoutGpus::handoff_pairs(uint32_t stage) const {
  GpuGroups pairs;
  if (stage + 1 >= layout_.pipeline_parallel) return pairs;
  for (uint32_t r = 0; r < layout_.data_parallel; ++r) {
    pairs.push_back({gpu(stage, r, 0), gpu(stage + 1, r, 0)});
  }
  return pairs;
}

GpuGroups LayoutGpus::migration_pairs(uint32_t stage) const {
  GpuGroups pairs;
  const uint32_t ranks = layout_.expert_parallel;
  if (ranks < 2) return pairs;
  const uint32_t first = gpu(stage, 0, 0);  // offset i of the stage is machine rank first + i
  for (uint32_t r = 0; r < ranks; ++r) pairs.push_back({first + (r + 1) % ranks, first + r});
  return pairs;
}

}  // namespace moesim
