#include "models/strategies/placement/contiguous.h"

#include <stdexcept>

namespace moesim {

ExpertPlacement ContiguousPlacement::place(const PlacementContext& context) const {
  const uint32_t experts = context.experts, ranks = context.ranks;
  if (experts == 0 || ranks == 0) throw std::invalid_argument("placement needs experts and ranks");
  ExpertPlacement p;
  p.ranks = ranks;
  p.ranks_of_expert.resize(experts);
  // Expert e goes to rank floor(e * ranks / experts): blocks of equal size +-1.
  for (uint32_t e = 0; e < experts; ++e) {
    p.ranks_of_expert[e] = {static_cast<uint32_t>(uint64_t{e} * ranks / experts)};
  }
  return p;
}

PlacementFamily::Entry ContiguousPlacement::entry() {
  return {{"contiguous",
           "rank r holds the r-th block of consecutive experts (vLLM/SGLang EP layout)",
           {},
           nullptr},
          [](const PlacementContext&, const Params&) {
            return std::make_unique<ContiguousPlacement>();
          }};
}

}  // namespace moesim
