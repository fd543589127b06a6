#include "models/strategies/placement/speculative_grouping.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/engine/serving/parallel_layout.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/placement/balanced_packing.h"
#include "models/strategies/placement/coactivation_grouping.h"

namespace moesim {
namespace {

std::string uneven_message(uint64_t experts, uint32_t ranks) {
  return fmt::format(
      "speculative_grouping: {} experts do not split evenly over {} expert-parallel ranks (each "
      "rank holds experts / ranks experts)",
      experts, ranks);
}

/// The context's co-activation for its layer; nullptr when it has none or it counts no token.
const std::vector<double>* layer_coactivation(const PlacementContext& c) {
  if (c.coactivation.empty()) return nullptr;
  if (c.coactivation.size() > 1 && c.layer >= c.coactivation.size()) {
    throw std::invalid_argument(
        fmt::format("speculative_grouping: co-activation for {} layers, none for layer {}",
                    c.coactivation.size(), c.layer));
  }
  const auto& m = c.coactivation.size() == 1 ? c.coactivation.front() : c.coactivation[c.layer];
  const size_t e = c.experts;
  if (m.size() != e * e) {
    throw std::invalid_argument(fmt::format(
        "speculative_grouping: a co-activation matrix of {} entries for {} experts (expected {} "
        "x {})",
        m.size(), e, e, e));
  }
  for (size_t i = 0; i < e; ++i) {
    if (m[i * e + i] > 0) return &m;
  }
  return nullptr;
}

}  // namespace

ExpertPlacement SpeculativeGroupingPlacement::place(const PlacementContext& c) const {
  if (c.experts == 0 || c.ranks == 0) {
    throw std::invalid_argument("placement needs experts and ranks");
  }
  if (c.experts % c.ranks != 0) throw std::invalid_argument(uneven_message(c.experts, c.ranks));
  const uint32_t per_rank = c.experts / c.ranks;
  std::vector<uint32_t> rank_of;
  if (const auto* matrix = layer_coactivation(c)) {
    rank_of = group_by_coactivation(*matrix, c.experts, c.ranks, params_.swaps, params_.balance);
  } else {
    std::vector<double> load = c.expert_load;
    if (load.size() != c.experts) load.assign(c.experts, 1.0);
    rank_of = balanced_packing(load, std::vector<uint32_t>(c.ranks, per_rank));
  }
  ExpertPlacement p;
  p.ranks = c.ranks;
  p.ranks_of_expert.resize(c.experts);
  for (uint32_t e = 0; e < c.experts; ++e) p.ranks_of_expert[e] = {rank_of[e]};
  return p;
}

namespace {

/// Serving scenarios know the expert-parallel ranks at load time: report uneven ones there.
void check_speculative_grouping(Params&, const ParamCheckContext& c) {
  if (c.layout == nullptr || c.model == nullptr) return;
  if (c.model->num_experts % c.layout->expert_parallel != 0) {
    throw ParamError("", uneven_message(c.model->num_experts, c.layout->expert_parallel));
  }
}

}  // namespace

PlacementFamily::Entry SpeculativeGroupingPlacement::entry() {
  return {{"speculative_grouping",
           "s-EG (Speculative MoE, arXiv 2503.04398): experts chosen together share a rank, "
           "E/ranks each, load-balanced; load-balanced packing without co-activation data",
           {param::whole("swaps", SpeculativeGroupingParams{}.swaps,
                         "passes of pairwise swaps that improve the grouping after the greedy "
                         "assignment; 0: greedy only")
                .in(0, 1000),
            param::real("balance", SpeculativeGroupingParams{}.balance,
                        "weight of rank load balance against co-activation: 0 groups by "
                        "co-activation alone, 1 balances load alone")
                .in(0, 1)},
           check_speculative_grouping},
          [](const PlacementContext&, const Params& p) {
            SpeculativeGroupingParams s;
            s.swaps = static_cast<uint32_t>(p.whole("swaps"));
            s.balance = p.real("balance");
            return std::make_unique<SpeculativeGroupingPlacement>(s);
          }};
}

}  // namespace moesim
