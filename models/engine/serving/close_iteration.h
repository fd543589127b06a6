#pragma once
/// The end of one iteration's cost, shared by the serving cost models: the expert load
/// balancer's re-plan and its weight migration, the pipeline stages, and the duration.

#include <algorithm>

#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/layout_collectives.h"
#include "models/engine/serving/serving_cost_model.h"

namespace moesim {

/// Ends the iteration for the expert load balancer and charges a re-plan's weight migration:
/// every rank receives its new replicas' weights at once, point to point over the machine, so
/// the iteration waits for the rank that receives the most. Charged on the critical path (no
/// overlap with compute: an upper estimate of what SGLang/vLLM's EPLB transfers cost).
inline void charge_migration(IterationCost& cost, ExpertLoadBalancer& experts,
                             LayoutCollectives& collectives) {
  const std::vector<double> received = experts.end_iteration();
  if (received.empty()) return;
  double total = 0;
  for (const double b : received) total += b;
  const double most = *std::max_element(received.begin(), received.end());
  const double us = collectives.migration_us(most);
  cost.migration_bytes = total;
  cost.communication_us += us;
  if (!cost.stage_us.empty()) cost.stage_us.front() += us;
}

/// Closes `cost`, whose components are filled: charges the migration, completes the pipeline
/// stages when there are any (the first also runs `first_us`, the last `last_us`, each hands
/// `handoff_tokens` tokens of `token_bytes` to the next) and sets the duration to the sum of
/// the components.
inline void close_iteration(IterationCost& cost, ExpertLoadBalancer& experts,
                            LayoutCollectives& collectives, double first_us, double last_us,
                            double handoff_tokens, double token_bytes) {
  charge_migration(cost, experts, collectives);
  if (!cost.stage_us.empty()) {
    close_pipeline_stages(cost, first_us, last_us,
                          collectives.stage_handoff_us(handoff_tokens, token_bytes));
  }
  const double total_us = cost.attention_us + cost.dense_us + cost.moe_us + cost.communication_us +
                          cost.sampling_us + cost.overhead_us + cost.host_transfer_us;
  cost.duration = Time::from_seconds_ceil(total_us * 1e-6);
}

}  // namespace moesim
