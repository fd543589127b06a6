#include "models/engine/serving/iteration_totals.h"

namespace moesim {

namespace {

/// `sum[i] += add[i]`, growing `sum` to the longer of the two.
void add_elementwise(std::vector<double>& sum, const std::vector<double>& add) {
  if (sum.size() < add.size()) sum.resize(add.size());
  for (size_t i = 0; i < add.size(); ++i) sum[i] += add[i];
}

}  // namespace

void IterationTotals::add(const IterationRecord& record) {
  ++iterations_;
  tokens_ += record.tokens;
  active_experts_ += record.cost.active_experts;
  const IterationCost& c = record.cost;
  attention_us_ += c.attention_us;
  dense_us_ += c.dense_us;
  moe_us_ += c.moe_us;
  communication_us_ += c.communication_us;
  hidden_communication_us_ += c.hidden_communication_us;
  sampling_us_ += c.sampling_us;
  overhead_us_ += c.overhead_us;
  host_transfer_us_ += c.host_transfer_us;
  add_elementwise(rank_busy_us_, c.rank_busy_us);
  add_elementwise(layer_rank_busy_us_, c.layer_rank_busy_us);
}

double IterationTotals::busy_us() const {
  return attention_us_ + dense_us_ + moe_us_ + communication_us_ + sampling_us_ + overhead_us_ +
         host_transfer_us_;
}

}  // namespace moesim
