#include "models/strategy_catalog.h"

#include "models/placement/contiguous.h"
#include "models/placement/round_robin.h"
#include "sim/max_min_network.h"
#include "traces/round_robin_routing.h"
#include "traces/synthetic/routing_from_spec.h"
#include "traces/trace_files.h"
#include "traces/trace_replay_routing.h"
#include "traces/uniform_routing.h"

namespace moesim {
namespace {

const StrategyParam kSkew{"skew", "1.0", "Zipf exponent in [0, 10]: rank r has weight (r+1)^-skew"};
const StrategyParam kAlpha{
    "alpha", "1.0", "Dirichlet concentration in (0, 1e6]: small = few hot experts per segment"};
const StrategyParam kSegment{"segment", "256",
                             "tokens per layer between fresh popularity draws, >= 1"};

/// zipf, dirichlet and synthetic: SyntheticRouting with the parameters each one exposes.
void add_synthetic_routing(StrategyFamily<RoutingFactory>& routing) {
  routing.add({"zipf",
               "power-law expert popularity, a random rank order per layer",
               {kSkew},
               [](const RoutingShape& shape, const RoutingParams& p, RngStreams& rng) {
                 SyntheticRoutingSpec spec;
                 spec.popularity = PopularityKind::zipf;
                 spec.skew = p.synthetic.skew;
                 return make_routing_from_spec(shape, spec, rng);
               }});
  routing.add({"dirichlet",
               "drifting popularity: a Dirichlet(alpha) draw per layer every `segment` tokens",
               {kAlpha, kSegment},
               [](const RoutingShape& shape, const RoutingParams& p, RngStreams& rng) {
                 SyntheticRoutingSpec spec;
                 spec.popularity = PopularityKind::dirichlet;
                 spec.alpha = p.synthetic.alpha;
                 spec.segment = p.synthetic.segment;
                 return make_routing_from_spec(shape, spec, rng);
               }});
  routing.add(
      {"synthetic",
       "popularity + cross-layer transitions + temporal reuse + dynamic k, combined",
       {{"popularity", "uniform", "uniform, zipf (uses skew) or dirichlet (alpha, segment)"},
        kSkew,
        kAlpha,
        kSegment,
        {"transition_strength", "0",
         "[0, 1]: chance a choice follows a random row keyed by the token's choice at l-1"},
        {"transition_concentration", "0.1",
         "Dirichlet concentration of those rows, (0, 1e6]: small = strong affinity"},
        {"temporal_reuse", "0",
         "[0, 1]: chance a choice repeats the previous token of the same request"},
        {"k.min", "1", "fewest experts per token, [0, num_experts]; 0: null-expert tokens"},
        {"k.max", "num_experts", "most experts per token, [k.min, num_experts]"},
        {"k.mean", "top_k", "mean experts per token, [k.min, k.max] (max-entropy P(k))"}},
       [](const RoutingShape& shape, const RoutingParams& p, RngStreams& rng) {
         return make_routing_from_spec(shape, p.synthetic, rng);
       }});
}

}  // namespace

StrategyCatalog builtin_strategies() {
  StrategyCatalog c;
  c.placement.add({"contiguous",
                   "rank r holds the r-th block of consecutive experts (vLLM/SGLang EP layout)",
                   {},
                   [] { return std::make_unique<ContiguousPlacement>(); }});
  c.placement.add({"round_robin", "expert e on rank e mod ranks", {}, [] {
                     return std::make_unique<RoundRobinPlacement>();
                   }});

  c.routing.add({"uniform",
                 "each token picks top_k distinct experts uniformly at random (stream 'routing')",
                 {},
                 [](const RoutingShape& shape, const RoutingParams&, RngStreams& rng) {
                   return std::make_unique<UniformRouting>(shape, rng.stream("routing"));
                 }});
  c.routing.add({"round_robin",
                 "token t picks experts t .. t+k-1 mod E: balanced, for analytic checks",
                 {},
                 [](const RoutingShape& shape, const RoutingParams&, RngStreams&) {
                   return std::make_unique<RoundRobinRouting>(shape);
                 }});
  add_synthetic_routing(c.routing);
  c.routing.add({"trace",
                 "replays a routing trace (.jsonl or .mtr), tokens found by request and position; "
                 "serving scenarios only",
                 {{"file", "required", "the trace, relative to the scenario"}},
                 [](const RoutingShape& shape, const RoutingParams& p, RngStreams&) {
                   const auto reader = open_trace_reader(p.trace.file);
                   return std::make_unique<TraceReplayRouting>(*reader, p.trace.layers,
                                                               shape.num_experts, p.trace.file);
                 }});
  c.routing.add(
      {"calibrated",
       "measured OLMoE-study statistics: per-layer loads, layer 0->7->15 transitions, fitted",
       {{"model", "none",
         "Mixtral-8x7B or OLMoE-1B-7B; must match model.num_experts and top_k (or give like)"},
        {"like", "none",
         "that model's statistics on this model's shape: expert i split into E/E' equal copies"},
        {"domain", "c4", "arxiv, books, c4, github, wikipedia; tulu (OLMoE only)"},
        {"strength", "1.0", "weight of the measured cross-layer transitions, [0, 1]"}},
       [](const RoutingShape& shape, const RoutingParams& p, RngStreams& rng) {
         return make_routing_from_spec(shape, p.calibrated, rng);
       }});

  c.cost_model.add(
      {"roofline",
       "max(FLOPs / achievable peak, bytes / achievable bandwidth) + kernel overhead",
       {{"compute_efficiency", "1.0", "achieved fraction of peak FLOP/s, (0, 1]"},
        {"memory_efficiency", "1.0", "achieved fraction of memory bandwidth, (0, 1]"},
        {"kernel_overhead", "0 us", "fixed time added to every operator"}},
       [](const RooflineConfig& cfg) { return std::make_unique<RooflineCostModel>(cfg); }});

  c.network.add({"max_min",
                 "flow-level: max-min fair sharing by progressive filling, per-hop latency",
                 {},
                 [](Simulator& sim) { return std::make_unique<MaxMinNetwork>(sim); }});
  return c;
}

}  // namespace moesim
