#include "traces/synthetic/routing_from_spec.h"

#include <stdexcept>

#include <fmt/format.h>

#include "traces/calibration/measured_routing.h"
#include "traces/calibration/measured_routing_reshape.h"
#include "traces/synthetic/calibrated_routing.h"
#include "traces/synthetic/dirichlet_popularity.h"
#include "traces/synthetic/random_transitions.h"
#include "traces/synthetic/synthetic_routing.h"
#include "traces/synthetic/zipf_popularity.h"

namespace moesim {
namespace {

std::unique_ptr<ExpertPopularity> make_popularity(uint32_t experts,
                                                  const SyntheticRoutingSpec& spec,
                                                  RngStream& rng) {
  switch (spec.popularity) {
    case PopularityKind::zipf:
      return std::make_unique<ZipfPopularity>(experts, std::vector<double>{spec.skew}, rng);
    case PopularityKind::dirichlet:
      return std::make_unique<DirichletPopularity>(experts, spec.alpha, spec.segment, rng);
    case PopularityKind::uniform:
      break;
  }
  // Zipf with exponent 0: every expert weight 1 (the permutation draw is harmless).
  return std::make_unique<ZipfPopularity>(experts, std::vector<double>{0.0}, rng);
}

}  // namespace

std::unique_ptr<RoutingGenerator> make_routing_from_spec(const RoutingShape& shape,
                                                         const SyntheticRoutingSpec& spec,
                                                         RngStreams& rng) {
  check_routing_shape(shape);
  SyntheticRoutingParts parts;
  parts.num_experts = shape.num_experts;
  parts.k = spec.k ? KDistribution::with_mean(spec.k->min, spec.k->max, spec.k->mean)
                   : KDistribution::fixed(shape.top_k);
  parts.popularity = make_popularity(shape.num_experts, spec, rng.stream("routing.popularity"));
  if (spec.transition_strength > 0.0) {
    parts.cross_layer = std::make_unique<RandomTransitions>(
        shape.num_experts, spec.transition_concentration, spec.transition_strength,
        rng.stream("routing.transitions"));
  }
  parts.temporal_reuse = spec.temporal_reuse;
  return std::make_unique<SyntheticRouting>(std::move(parts), rng.stream("routing"));
}

std::unique_ptr<RoutingGenerator> make_routing_from_spec(const RoutingShape& shape,
                                                         const CalibratedRoutingSpec& spec,
                                                         RngStreams& rng) {
  check_routing_shape(shape);
  const auto measured_shape = measured_routing_shape(spec.model);
  if (!measured_shape) {
    throw std::invalid_argument(fmt::format("no routing statistics for model '{}'", spec.model));
  }
  if (!spec.reshape &&
      (measured_shape->num_experts != shape.num_experts || measured_shape->top_k != shape.top_k)) {
    throw std::invalid_argument(fmt::format(
        "{} statistics are for {} experts, top-{}; the model has {} experts, top-{}", spec.model,
        measured_shape->num_experts, measured_shape->top_k, shape.num_experts, shape.top_k));
  }
  const auto all = load_measured_routing(default_routing_stats_dir());
  const auto it = all.find({spec.model, spec.domain});
  if (it == all.end()) {
    throw std::invalid_argument(
        fmt::format("no {} routing statistics for domain '{}'", spec.model, spec.domain));
  }
  const MeasuredRouting stats =
      spec.reshape ? reshape_measured_routing(it->second, shape.num_experts, shape.top_k)
                   : it->second;
  CalibratedRoutingOptions options;
  options.strength = spec.strength;
  return make_calibrated_routing(stats, options, rng.stream("routing"),
                                 rng.stream("routing.calibration"));
}

}  // namespace moesim
