// The dispatch strategies built into moesim: one line each.
#include "models/strategies/dispatch/all_gather_reduce_scatter.h"
#include "models/strategies/dispatch/all_to_allv.h"
#include "models/strategies/dispatch/deepep_dispatch.h"
#include "models/strategies/dispatch/hierarchical.h"
#include "models/strategies/dispatch/speculative_shuffle.h"

namespace moesim {

void add_builtin_dispatch(DispatchFamily& family) {
  family.add(AllGatherReduceScatterDispatch::entry());
  family.add(AllToAllvDispatch::entry());
  family.add(HierarchicalDispatch::entry());
  family.add(SpeculativeShuffleDispatch::entry());
  family.add(DeepEpDispatch::normal_entry());
  family.add(DeepEpDispatch::low_latency_entry());
  family.add(DeepEpDispatch::auto_entry());
}

}  // namespace moesim
