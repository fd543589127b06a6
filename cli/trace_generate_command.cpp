// `moesim trace generate`: a synthetic or calibrated routing trace, written in batches of
// tokens so that memory stays flat whatever the token count.
//
// Token layout: N tokens over R requests; request r (0-based) holds N / R tokens, one more for
// the first N mod R requests, at positions 0, 1, ... in the prefill phase, all in step r (one
// request prefilled per forward pass). Records go token by token, each token's layers in order.

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/trace_commands.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"
#include "sim/rng.h"
#include "traces/calibration/measured_routing.h"
#include "traces/routing_params.h"
#include "traces/synthetic/calibrated_routing.h"
#include "traces/synthetic/synthetic_routing.h"
#include "traces/synthetic/zipf_popularity.h"
#include "traces/trace_files.h"
#include "traces/trace_generator.h"
#include "traces/uniform_routing.h"

namespace moesim {
namespace {

// Tokens routed per generator call. Part of the output's definition: the generators draw
// per batch, so another size gives another (equally valid) trace for the same seed.
constexpr uint32_t kBatchTokens = 4096;
// The defaults are a scenario's (`routing:` block, traces/routing_params.h), so that a trace
// generated with them matches the routing a scenario with the same generator produces.
const double kDefaultZipfSkew = SyntheticRoutingSpec{}.skew;
const std::string kDefaultDomain = CalibratedRoutingSpec{}.domain;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_options(const TraceGenerateOptions& o) {
  if (o.generator != "calibrated" && o.generator != "uniform" && o.generator != "zipf") {
    throw ConfigError(fmt::format(
        "--generator: unknown generator '{}', expected one of: calibrated, uniform, zipf",
        o.generator));
  }
  if (o.domain && o.generator != "calibrated") {
    throw ConfigError("--domain: only for --generator calibrated");
  }
  if (o.skew && o.generator != "zipf") throw ConfigError("--skew: only for --generator zipf");
  if (o.skew && !(*o.skew >= 0.0)) {
    throw ConfigError(fmt::format("--skew: expected a number >= 0, got {}", *o.skew));
  }
  if (o.tokens == 0) throw ConfigError("--tokens: expected at least 1 token");
  if (o.requests == 0 || o.requests > o.tokens) {
    throw ConfigError(
        fmt::format("--requests: expected 1 to --tokens ({}), got {}", o.tokens, o.requests));
  }
  // The longest request's last position must fit the trace's 32-bit positions.
  if ((o.tokens - 1) / o.requests >= std::numeric_limits<uint32_t>::max()) {
    throw ConfigError("--requests: too few for --tokens: a request would exceed 2^32 positions");
  }
  trace_encoding_for_output(o.out);
}

struct RoutingSource {
  TraceHeader header;
  std::unique_ptr<MeasuredRouting> measured;  // kept for the generator's lifetime
  std::unique_ptr<RoutingGenerator> generator;
};

RoutingSource calibrated_source(const TraceGenerateOptions& o, RngStreams& streams) {
  const std::string domain = o.domain.value_or(kDefaultDomain);
  std::vector<std::string> models;
  const std::vector<std::string>* domains = nullptr;
  const auto catalogue = measured_routing_catalogue();
  for (const auto& [model, model_domains] : catalogue) {
    models.push_back(model);
    if (model == o.model) domains = &model_domains;
  }
  if (domains == nullptr) {
    throw ConfigError(fmt::format(
        "--model: no routing measurements of '{}' for --generator calibrated, expected one of: {}",
        o.model, joined(models)));
  }
  if (std::find(domains->begin(), domains->end(), domain) == domains->end()) {
    throw ConfigError(fmt::format("--domain: no measurements of {} on '{}', expected one of: {}",
                                  o.model, domain, joined(*domains)));
  }
  RoutingSource s;
  s.measured = std::make_unique<MeasuredRouting>(
      load_measured_routing(default_routing_stats_dir()).at({o.model, domain}));
  s.header = {o.model, s.measured->layers, s.measured->num_experts, s.measured->top_k,
              ScoreLayout::none};
  s.generator = make_calibrated_routing(*s.measured, {}, streams.stream("routing"),
                                        streams.stream("routing.calibration"));
  return s;
}

RoutingSource card_source(const TraceGenerateOptions& o, RngStreams& streams) {
  const auto cards = load_model_catalogue(default_model_catalogue_dir());
  const auto card = cards.find(o.model);
  if (card == cards.end()) {
    std::vector<std::string> names;
    for (const auto& [name, unused] : cards) names.push_back(name);
    throw ConfigError(fmt::format("--model: unknown model card '{}', expected one of: {}", o.model,
                                  joined(names)));
  }
  RoutingSource s;
  const ModelCard& m = card->second;
  s.header = {m.name, m.moe_layer_count(), m.num_routed_experts, m.top_k, ScoreLayout::none};
  if (o.generator == "uniform") {
    s.generator = std::make_unique<UniformRouting>(RoutingShape{m.num_routed_experts, m.top_k},
                                                   streams.stream("routing"));
    return s;
  }
  SyntheticRoutingParts parts;
  parts.num_experts = m.num_routed_experts;
  parts.k = KDistribution::fixed(m.top_k);
  parts.popularity = std::make_unique<ZipfPopularity>(
      m.num_routed_experts, std::vector<double>{o.skew.value_or(kDefaultZipfSkew)},
      streams.stream("routing.popularity"));
  s.generator = std::make_unique<SyntheticRouting>(std::move(parts), streams.stream("routing"));
  return s;
}

}  // namespace

int trace_generate_command(const TraceGenerateOptions& options) {
  check_options(options);
  RngStreams streams(options.seed);
  RoutingSource source = options.generator == "calibrated" ? calibrated_source(options, streams)
                                                           : card_source(options, streams);
  TraceGenerator tracer(*source.generator, source.header.layers);
  const auto writer = open_trace_writer(options.out, source.header);

  std::vector<TokenContext> tokens;
  tokens.reserve(kBatchTokens);
  RoutingBatch batch;
  uint64_t records = 0;
  uint64_t choices = 0;
  const auto flush = [&] {
    batch.clear();
    tracer.generate(tokens, batch);
    writer->write(batch);
    records += batch.size();
    choices += batch.experts.size();
    tokens.clear();
  };
  const uint64_t base_length = options.tokens / options.requests;
  const uint64_t longer_requests = options.tokens % options.requests;
  for (uint64_t r = 0; r < options.requests; ++r) {
    const uint64_t length = base_length + (r < longer_requests ? 1 : 0);
    for (uint64_t p = 0; p < length; ++p) {
      tokens.push_back({r, r, static_cast<uint32_t>(p), TokenPhase::prefill});
      if (tokens.size() == kBatchTokens) flush();
    }
  }
  if (!tokens.empty()) flush();
  writer->finish();
  std::cout << fmt::format("{}: {} tokens in {} requests, {} records, {} expert choices\n",
                           options.out, options.tokens, options.requests, records, choices);
  return 0;
}

}  // namespace moesim
