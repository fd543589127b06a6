#include "cli/routing_loader.h"

#include <filesystem>

#include <algorithm>

#include <fmt/format.h>

#include "traces/calibration/measured_routing.h"

namespace moesim {
namespace {

constexpr double kMaxSkew = 10.0;          // 2^-10: beyond this one expert takes nearly all load
constexpr double kMaxConcentration = 1e6;  // far into "uniform"; keeps Gamma draws finite
constexpr uint64_t kMaxSegment = uint64_t{1} << 40;  // tokens

/// A number that must be strictly positive, at most `max`.
double positive(YamlMap& m, const std::string& key, double max) {
  const double v = m.get_double(key, 0.0, max);
  if (v == 0.0) m.fail(key, "must be greater than 0");
  return v;
}

void read_skew(YamlMap& m, SyntheticRoutingSpec& s) {
  if (m.has("skew")) s.skew = m.get_double("skew", 0.0, kMaxSkew);
}

void read_dirichlet(YamlMap& m, SyntheticRoutingSpec& s) {
  if (m.has("alpha")) s.alpha = positive(m, "alpha", kMaxConcentration);
  if (m.has("segment")) s.segment = m.get_uint("segment", 1, kMaxSegment);
}

/// `k: {min, max, mean}`; defaults 1, num_experts, top_k.
DynamicK read_k(YamlMap k, const MoeLayerShape& model) {
  DynamicK d{1, model.num_experts, static_cast<double>(model.top_k)};
  if (k.has("min")) d.min = static_cast<uint32_t>(k.get_uint("min", 0, model.num_experts));
  if (k.has("max")) d.max = static_cast<uint32_t>(k.get_uint("max", d.min, model.num_experts));
  if (d.min > d.max) {
    k.fail_here(fmt::format("min {} exceeds max {} (default max: num_experts)", d.min, d.max));
  }
  if (k.has("mean")) {
    d.mean = k.get_double("mean", d.min, d.max);
  } else if (d.mean < d.min || d.mean > d.max) {
    k.fail_here(fmt::format("the default mean (top_k = {}) is outside [{}, {}]; give mean",
                            model.top_k, d.min, d.max));
  }
  k.finish();
  return d;
}

/// The keys of `synthetic` that belong to one popularity only.
void reject_other_popularity_keys(YamlMap& m, PopularityKind popularity) {
  const auto reject = [&](const char* key, PopularityKind owner) {
    if (popularity != owner && m.has(key)) {
      m.fail(key, fmt::format("applies to popularity {}, not {}", to_string(owner),
                              to_string(popularity)));
    }
  };
  reject("skew", PopularityKind::zipf);
  reject("alpha", PopularityKind::dirichlet);
  reject("segment", PopularityKind::dirichlet);
}

void read_synthetic(YamlMap& m, const MoeLayerShape& model, SyntheticRoutingSpec& s) {
  if (m.has("popularity")) {
    const std::string name = m.get_string("popularity");
    const auto kind = parse_popularity_kind(name);
    if (!kind) {
      m.fail("popularity", fmt::format("expected uniform, zipf or dirichlet, got \"{}\"", name));
    }
    s.popularity = *kind;
  }
  reject_other_popularity_keys(m, s.popularity);
  if (s.popularity == PopularityKind::zipf) read_skew(m, s);
  if (s.popularity == PopularityKind::dirichlet) read_dirichlet(m, s);
  if (m.has("transition_strength")) {
    s.transition_strength = m.get_double("transition_strength", 0.0, 1.0);
  }
  if (m.has("transition_concentration")) {
    s.transition_concentration = positive(m, "transition_concentration", kMaxConcentration);
  }
  if (m.has("temporal_reuse")) s.temporal_reuse = m.get_double("temporal_reuse", 0.0, 1.0);
  if (m.has("k")) s.k = read_k(m.get_map("k"), model);
}

void read_calibrated(YamlMap& m, const MoeLayerShape& model, CalibratedRoutingSpec& c) {
  const bool by_model = m.has("model"), by_like = m.has("like");
  if (by_model == by_like) {
    if (by_model) m.fail("like", "give either model or like, not both");
    m.fail_here("missing key 'model' (statistics of this model) or 'like' (mapped onto it)");
  }
  const std::string key = by_model ? "model" : "like";
  c.model = m.get_string(key);
  c.reshape = by_like;
  const auto measured = measured_routing_shape(c.model);
  std::vector<std::string> models, domains;
  for (const auto& [name, its_domains] : measured_routing_catalogue()) {
    models.push_back(name);
    if (name == c.model) domains = its_domains;
  }
  if (!measured) {
    m.fail(key, fmt::format("no routing statistics for \"{}\" (have: {})", c.model,
                            fmt::join(models, ", ")));
  }
  if (by_model && (measured->num_experts != model.num_experts || measured->top_k != model.top_k)) {
    m.fail(key, fmt::format("{} statistics are for {} experts, top-{}, but the model has {} "
                            "experts, top-{} (use like: {} to map them onto it)",
                            c.model, measured->num_experts, measured->top_k, model.num_experts,
                            model.top_k, c.model));
  }
  if (by_like && model.num_experts % measured->num_experts != 0) {
    m.fail(key, fmt::format("like maps {}'s {} experts onto a whole multiple of them; the model "
                            "has {} experts",
                            c.model, measured->num_experts, model.num_experts));
  }
  if (m.has("domain")) c.domain = m.get_string("domain");
  if (std::find(domains.begin(), domains.end(), c.domain) == domains.end()) {
    m.fail(m.has("domain") ? "domain" : key,
           fmt::format("no {} statistics for domain \"{}\" (have: {})", c.model, c.domain,
                       fmt::join(domains, ", ")));
  }
  if (m.has("strength")) c.strength = m.get_double("strength", 0.0, 1.0);
}

/// A key that is a parameter of another generator gets a clearer error than "unknown key".
void reject_foreign_parameters(YamlMap& m, const StrategyFamily<RoutingFactory>& family,
                               const std::string& generator) {
  const auto& own = family.find(generator)->params;
  for (const std::string& key : m.keys()) {
    if (key == "generator") continue;
    const auto named = [&](const StrategyParam& p) {
      return p.name == key || p.name.starts_with(key + ".");
    };
    if (std::any_of(own.begin(), own.end(), named)) continue;
    for (const auto& other : family.entries()) {
      if (std::any_of(other.params.begin(), other.params.end(), named)) {
        m.fail(key, fmt::format("not a parameter of generator {} ({} takes it; see `moesim "
                                "list routing`)",
                                generator, other.name));
      }
    }
  }
}

/// `file:` relative to the scenario; the model's MoE layer count from its card. Only serving
/// scenarios know each token's request and position.
void read_trace(YamlMap& m, const ScenarioConfig& cfg, TraceRoutingSpec& t) {
  if (!cfg.serving) {
    m.fail("generator",
           "trace replay needs a serving scenario (tokens are found by request and "
           "position)");
  }
  const std::filesystem::path given = m.get_string("file");
  const std::filesystem::path file =
      given.is_absolute() ? given : std::filesystem::path(m.file()).parent_path() / given;
  if (!std::filesystem::exists(file)) {
    m.fail("file", fmt::format("no routing trace {}", file.string()));
  }
  t.file = std::filesystem::absolute(file).lexically_normal().string();
  t.layers = cfg.card->moe_layer_count();
}

}  // namespace

void load_routing(YamlMap m, ScenarioConfig& cfg, const StrategyCatalog& catalog) {
  if (m.has("generator")) {
    const std::string name = m.get_string("generator");
    if (catalog.routing.find(name) == nullptr) {
      m.fail("generator", fmt::format("unknown routing strategy \"{}\" (known: {})", name,
                                      fmt::join(catalog.routing.names(), ", ")));
    }
    cfg.routing = name;
  }
  reject_foreign_parameters(m, catalog.routing, cfg.routing);
  RoutingParams& p = cfg.routing_params;
  if (cfg.routing == "zipf") {
    p.synthetic.popularity = PopularityKind::zipf;
    read_skew(m, p.synthetic);
  } else if (cfg.routing == "dirichlet") {
    p.synthetic.popularity = PopularityKind::dirichlet;
    read_dirichlet(m, p.synthetic);
  } else if (cfg.routing == "synthetic") {
    read_synthetic(m, cfg.model, p.synthetic);
  } else if (cfg.routing == "calibrated") {
    read_calibrated(m, cfg.model, p.calibrated);
  } else if (cfg.routing == "trace") {
    read_trace(m, cfg, p.trace);
  }
  m.finish();
}

}  // namespace moesim
