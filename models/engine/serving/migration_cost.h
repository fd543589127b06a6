#pragma once
/// Ends an iteration for the expert load balancer and charges a re-plan's weight migration:
/// every rank receives its new replicas' weights at once, point to point over the machine, so
/// the iteration waits for the rank that receives the most. Charged on the critical path (no
/// overlap with compute: an upper estimate of what SGLang/vLLM's EPLB transfers cost).

#include <algorithm>

#include "models/engine/serving/collective_timer.h"
#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/serving_cost_model.h"

namespace moesim {

inline void charge_migration(IterationCost& cost, ExpertLoadBalancer& experts,
                             CollectiveTimer& pair) {
  const std::vector<double> received = experts.end_iteration();
  if (received.empty()) return;
  double total = 0;
  for (const double b : received) total += b;
  const double most = *std::max_element(received.begin(), received.end());
  const double us = most > 0 ? 1e6 * pair.seconds(Collective::kSendRecv, most) : 0.0;
  cost.migration_bytes = total;
  cost.communication_us += us;
  if (!cost.stage_us.empty()) cost.stage_us.front() += us;
}

}  // namespace moesim
