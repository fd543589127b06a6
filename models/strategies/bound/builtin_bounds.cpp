// The bound models as strategies of the `bound` family, one file each (*_bound_entry.cpp).
#include "models/strategies/bound/bound_entries.h"

namespace moesim {

BoundReport not_applicable(std::string name, std::string reason) {
  BoundReport r;
  r.name = std::move(name);
  r.applies = false;
  r.reason = std::move(reason);
  return r;
}

void add_builtin_bounds(BoundFamily& family) {
  family.add(serving_roofline_bound_entry());
  family.add(moe_lens_stage1_bound_entry());
  family.add(moe_lens_stage2_bound_entry());
  family.add(hierarchical_roofline_bound_entry());
  family.add(all_to_all_bound_entry());
  family.add(straggler_bound_entry());
  family.add(belady_bound_entry());
}

}  // namespace moesim
