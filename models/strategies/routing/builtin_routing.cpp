// The routing generators built into moesim: their parameters, checks and factories. The
// generators themselves live in traces/ (they also serve `moesim trace generate`).
#include <algorithm>

#include "models/moe_layer_shape.h"
#include "models/strategies/routing/routing_family.h"
#include "traces/calibration/measured_routing.h"
#include "traces/round_robin_routing.h"
#include "traces/routing_params.h"
#include "traces/synthetic/routing_from_spec.h"
#include "traces/trace_files.h"
#include "traces/trace_replay_routing.h"
#include "traces/uniform_routing.h"

namespace moesim {
namespace {

constexpr double kMaxSkew = 10.0;          // 2^-10: beyond this one expert takes nearly all load
constexpr double kMaxConcentration = 1e6;  // far into "uniform"; keeps Gamma draws finite
constexpr double kMaxSegment = 1099511627776.0;  // 2^40 tokens

ParamSpec skew() {
  return param::real("skew", SyntheticRoutingSpec{}.skew,
                     "Zipf exponent: rank r has weight (r+1)^-skew")
      .in(0.0, kMaxSkew);
}
ParamSpec alpha() {
  return param::real("alpha", SyntheticRoutingSpec{}.alpha,
                     "Dirichlet concentration: small = few hot experts per segment")
      .above(0.0, kMaxConcentration);
}
ParamSpec segment() {
  return param::whole("segment", SyntheticRoutingSpec{}.segment,
                      "tokens per layer between fresh popularity draws")
      .in(1.0, kMaxSegment);
}

/// The synthetic spec from zipf/dirichlet/synthetic parameters (those a generator lacks keep
/// their defaults).
SyntheticRoutingSpec synthetic_spec(const Params& p, PopularityKind popularity,
                                    const RoutingShape& shape) {
  SyntheticRoutingSpec s;
  s.popularity = popularity;
  if (p.has("skew")) s.skew = p.real("skew");
  if (p.has("alpha")) s.alpha = p.real("alpha");
  if (p.has("segment")) s.segment = p.whole("segment");
  if (p.has("transition_strength")) s.transition_strength = p.real("transition_strength");
  if (p.has("transition_concentration")) {
    s.transition_concentration = p.real("transition_concentration");
  }
  if (p.has("temporal_reuse")) s.temporal_reuse = p.real("temporal_reuse");
  if (p.has("k.min") || p.has("k.max") || p.has("k.mean")) {
    DynamicK k{1, 1, 1.0};
    k.min = static_cast<uint32_t>(p.has("k.min") ? p.whole("k.min") : 1);
    k.max = static_cast<uint32_t>(p.has("k.max") ? p.whole("k.max") : shape.num_experts);
    k.mean = p.has("k.mean") ? p.real("k.mean") : static_cast<double>(shape.top_k);
    s.k = k;
  }
  return s;
}

/// k: {min, max, mean} against the model: defaults 1, num_experts, top_k.
void check_k(const Params& p, const MoeLayerShape& model) {
  const uint64_t min = p.has("k.min") ? p.whole("k.min") : 1;
  const uint64_t max = p.has("k.max") ? p.whole("k.max") : model.num_experts;
  if (max > model.num_experts) {
    throw ParamError("k", fmt::format("max {} exceeds num_experts {}", max, model.num_experts));
  }
  if (min > max) {
    throw ParamError("k",
                     fmt::format("min {} exceeds max {} (default max: num_experts)", min, max));
  }
  const double mean = p.has("k.mean") ? p.real("k.mean") : model.top_k;
  if (mean < static_cast<double>(min) || mean > static_cast<double>(max)) {
    throw ParamError("k", p.has("k.mean")
                              ? fmt::format("mean {} is outside [{}, {}]", mean, min, max)
                              : fmt::format("the default mean (top_k = {}) is outside [{}, {}]; "
                                            "give mean",
                                            model.top_k, min, max));
  }
}

void check_synthetic(Params& p, const ParamCheckContext& c) {
  const std::string popularity = p.text("popularity");
  const auto reject = [&](const char* key, const char* owner) {
    if (popularity != owner && p.given(key)) {
      throw ParamError(key, fmt::format("applies to popularity {}, not {}", owner, popularity));
    }
  };
  reject("skew", "zipf");
  reject("alpha", "dirichlet");
  reject("segment", "dirichlet");
  if (popularity != "zipf") p.erase("skew");
  if (popularity != "dirichlet") {
    p.erase("alpha");
    p.erase("segment");
  }
  if (p.has("k.min") || p.has("k.max") || p.has("k.mean")) check_k(p, *c.model);
}

void check_calibrated(Params& p, const ParamCheckContext& c) {
  const bool by_model = p.has("model"), by_like = p.has("like");
  if (by_model && by_like) throw ParamError("like", "give either model or like, not both");
  if (!by_model && !by_like) {
    throw ParamError("",
                     "missing key 'model' (statistics of this model) or 'like' (mapped onto it)");
  }
  const std::string key = by_model ? "model" : "like";
  const std::string name = p.text(key);
  const auto measured = measured_routing_shape(name);
  std::vector<std::string> models, domains;
  for (const auto& [model, its_domains] : measured_routing_catalogue()) {
    models.push_back(model);
    if (model == name) domains = its_domains;
  }
  if (!measured) {
    throw ParamError(key, fmt::format("no routing statistics for \"{}\" (have: {})", name,
                                      fmt::join(models, ", ")));
  }
  const MoeLayerShape& m = *c.model;
  if (by_model && (measured->num_experts != m.num_experts || measured->top_k != m.top_k)) {
    throw ParamError(key, fmt::format("{} statistics are for {} experts, top-{}, but the model has "
                                      "{} experts, top-{} (use like: {} to map them onto it)",
                                      name, measured->num_experts, measured->top_k, m.num_experts,
                                      m.top_k, name));
  }
  if (by_like && m.num_experts % measured->num_experts != 0) {
    throw ParamError(key,
                     fmt::format("like maps {}'s {} experts onto a whole multiple of them; the "
                                 "model has {} experts",
                                 name, measured->num_experts, m.num_experts));
  }
  const std::string& domain = p.text("domain");
  if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
    throw ParamError(p.given("domain") ? "domain" : key,
                     fmt::format("no {} statistics for domain \"{}\" (have: {})", name, domain,
                                 fmt::join(domains, ", ")));
  }
}

void check_trace(Params& p, const ParamCheckContext& c) {
  if (!c.serving) {
    throw ParamError("generator",
                     "trace replay needs a serving scenario (tokens are found by request and "
                     "position)");
  }
  if (!std::filesystem::exists(p.text("file"))) {
    throw ParamError("file", fmt::format("no routing trace {}", p.text("file")));
  }
}

RoutingFamily::Entry synthetic_entry(std::string name, std::string help, PopularityKind kind,
                                     std::vector<ParamSpec> params) {
  return {{std::move(name), std::move(help), std::move(params), nullptr},
          [kind](const RoutingContext& c, const Params& p) {
            return make_routing_from_spec(c.shape, synthetic_spec(p, kind, c.shape), *c.rng);
          }};
}

}  // namespace

void add_builtin_routing(RoutingFamily& family) {
  family.add({{"uniform",
               "each token picks top_k distinct experts uniformly at random (stream "
               "'routing')",
               {},
               nullptr},
              [](const RoutingContext& c, const Params&) {
                return std::make_unique<UniformRouting>(c.shape, c.rng->stream("routing"));
              }});
  family.add({{"round_robin",
               "token t picks experts t .. t+k-1 mod E: balanced, for analytic checks",
               {},
               nullptr},
              [](const RoutingContext& c, const Params&) {
                return std::make_unique<RoundRobinRouting>(c.shape);
              }});
  family.add(synthetic_entry("zipf", "power-law expert popularity, a random rank order per layer",
                             PopularityKind::zipf, {skew()}));
  family.add(synthetic_entry(
      "dirichlet", "drifting popularity: a Dirichlet(alpha) draw per layer every `segment` tokens",
      PopularityKind::dirichlet, {alpha(), segment()}));
  family.add(
      {{"synthetic",
        "popularity + cross-layer transitions + temporal reuse + dynamic k, combined",
        {param::choice("popularity", "uniform", {"uniform", "zipf", "dirichlet"},
                       "expert popularity: zipf uses skew, dirichlet alpha and segment"),
         skew(), alpha(), segment(),
         param::real("transition_strength", 0.0,
                     "chance a choice follows a random row keyed by the token's choice at l-1")
             .in(0.0, 1.0),
         param::real("transition_concentration", 0.1,
                     "Dirichlet concentration of those rows: small = strong affinity")
             .above(0.0, kMaxConcentration),
         param::real("temporal_reuse", 0.0,
                     "chance a choice repeats the previous token of the same request")
             .in(0.0, 1.0),
         param::optional("k.min", ParamKind::kUint, "1",
                         "fewest experts per token; 0: null-expert tokens")
             .in(0.0, 65536.0),
         param::optional("k.max", ParamKind::kUint, "num_experts", "most experts per token")
             .in(0.0, 65536.0),
         param::optional("k.mean", ParamKind::kDouble, "top_k",
                         "mean experts per token in [k.min, k.max] (max-entropy P(k))")
             .in(0.0, 65536.0)},
        check_synthetic},
       [](const RoutingContext& c, const Params& p) {
         const auto kind = parse_popularity_kind(p.text("popularity"));
         return make_routing_from_spec(c.shape, synthetic_spec(p, *kind, c.shape), *c.rng);
       }});
  family.add({{"trace",
               "replays a routing trace (.jsonl or .mtr), tokens found by request and position; "
               "serving scenarios only",
               {param::path("file", "the trace, relative to the scenario")},
               check_trace},
              [](const RoutingContext& c, const Params& p) {
                const auto reader = open_trace_reader(p.text("file"));
                return std::make_unique<TraceReplayRouting>(*reader, c.moe_layers,
                                                            c.shape.num_experts, p.text("file"));
              }});
  family.add(
      {{"calibrated",
        "measured OLMoE-study statistics: per-layer loads, layer 0->7->15 transitions, fitted",
        {param::optional("model", ParamKind::kString, "none",
                         "Mixtral-8x7B or OLMoE-1B-7B; must match model.num_experts and top_k "
                         "(or give like)"),
         param::optional("like", ParamKind::kString, "none",
                         "that model's statistics on this model's shape: expert i split into "
                         "E/E' equal copies"),
         param::text("domain", CalibratedRoutingSpec{}.domain,
                     "arxiv, books, c4, github, wikipedia; tulu (OLMoE only)"),
         param::real("strength", 1.0, "weight of the measured cross-layer transitions")
             .in(0.0, 1.0)},
        check_calibrated},
       [](const RoutingContext& c, const Params& p) {
         CalibratedRoutingSpec spec;
         spec.reshape = p.has("like");
         spec.model = p.text(spec.reshape ? "like" : "model");
         spec.domain = p.text("domain");
         spec.strength = p.real("strength");
         return make_routing_from_spec(c.shape, spec, *c.rng);
       }});
}

}  // namespace moesim
