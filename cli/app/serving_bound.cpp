#include "cli/app/serving_bound.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/serving_metrics.h"

namespace moesim {
namespace {

/// The fastest way one GPU reaches another: its scale-up link, else its host link.
double gpu_to_gpu_bandwidth(const ScenarioConfig& c) {
  double best = 0;
  for (const std::string& name : {c.gpu.scale_up_link, c.gpu.host_link}) {
    if (!name.empty() && c.hardware.has_link(name)) {
      best = std::max(best, c.hardware.link(name).bandwidth);
    }
  }
  return best;
}

}  // namespace

ServingDeployment serving_deployment(const ServingRun& run) {
  const ScenarioConfig& c = run.config();
  ServingDeployment d;
  d.card = *c.card;
  d.gpu = c.gpu;
  d.layout = c.serving->layout;
  d.kv_cache = c.serving->kv_cache_dtype;
  d.network_bandwidth = gpu_to_gpu_bandwidth(c);
  if (const auto& host = c.serving->host) {
    for (uint32_t layer = 0; layer < d.card.num_layers; ++layer) {
      d.streamed_bytes_per_step += layer_weight_bytes(d.card, layer);
    }
    d.host_link_bandwidth = host->host_link.bandwidth;
  }
  if (!c.system.nic_link.empty() && c.hardware.has_link(c.system.nic_link)) {
    d.nic_bandwidth = c.hardware.link(c.system.nic_link).bandwidth;
  }
  return d;
}

RequestMix request_mix(const ServingRun& run) {
  const std::vector<ServingRequest>& requests = run.simulation().requests();
  RequestMix mix;
  mix.requests = requests.size();
  double prompt = 0, output = 0, decode_tokens = 0, decode_keys = 0;
  Time first = Time::max(), last = Time::zero();
  for (const ServingRequest& r : requests) {
    const double p = r.input_tokens, g = r.output_tokens;
    prompt += p;
    output += g;
    // Decode step j (j = 1 .. g - 1) attends to the p + j - 1 tokens already cached.
    decode_tokens += g - 1;
    decode_keys += (g - 1) * p + (g - 1) * (g - 2) / 2;
    first = std::min(first, r.arrival);
    last = std::max(last, r.arrival);
  }
  const double n = static_cast<double>(requests.size());
  mix.prompt_tokens = prompt / n;
  mix.output_tokens = output / n;
  // Prompt attention is left out (0 keys), which only lowers the bound: the causal mean p/2
  // would be exact per prompt, but a sliding window's min(keys, window) of a mean over the mix
  // may exceed the runs' own, and the bound must hold for every schedule.
  mix.prefill_context = 0;
  mix.decode_context = decode_tokens > 0 ? decode_keys / decode_tokens : 0;
  if (!run.config().serving->closed_loop && !requests.empty()) {
    mix.arrival_span_s = (last - first).seconds();
  }
  return mix;
}

BatchLimits batch_limits(const ServingRun& run) {
  const ServingScenario& s = *run.config().serving;
  const uint64_t replicas = s.layout.data_parallel;
  uint64_t sequences = uint64_t{std::min(s.limits.max_num_seqs, s.limits.max_num_batched_tokens)} *
                       replicas * s.layout.pipeline_parallel;
  if (s.closed_loop) {
    sequences = std::min<uint64_t>(sequences, s.closed_loop->concurrency);
    // A connection pool lets no more than its limit reach the engine.
    if (const uint32_t pool = s.closed_loop->connection_limit; pool != 0) {
      sequences = std::min<uint64_t>(sequences, pool);
    }
  }
  BatchLimits limits;
  limits.max_sequences = sequences;
  limits.kv_tokens = run.memory().kv_blocks * s.block_size * replicas;
  limits.block_tokens = s.block_size;
  return limits;
}

double RunBound::throughput_fraction() const {
  return throughput.output_tokens_per_s > 0 ? achieved_tokens_per_s / throughput.output_tokens_per_s
                                            : 0.0;
}

double RunBound::step_fraction() const {
  return achieved_step_s > 0 ? mean_step.bound() / achieved_step_s : 0.0;
}

RunBound run_bound(const ServingRun& run, bool finished) {
  const ServingDeployment deployment = serving_deployment(run);
  const RequestMix mix = request_mix(run);
  RunBound b;
  b.throughput = serving_throughput_bound(deployment, mix, batch_limits(run));
  if (!finished) return b;
  const ServingSimulation& sim = run.simulation();
  const ServingSummary summary =
      summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  b.achieved_tokens_per_s = summary.output_tokens_per_s;
  const double steps = static_cast<double>(sim.totals().iterations());
  if (steps == 0) return b;
  b.achieved_step_s = sim.totals().busy_us() * 1e-6 / steps;
  const double n = static_cast<double>(mix.requests);
  RunWork work;
  work.tokens.prefill_tokens = static_cast<uint64_t>(std::llround(n * mix.prompt_tokens));
  work.tokens.decode_tokens =
      static_cast<uint64_t>(std::llround(n * std::max(0.0, mix.output_tokens - 1)));
  work.tokens.decode_context = mix.decode_context;
  work.steps = steps;
  work.active_experts = static_cast<double>(sim.totals().active_experts());
  const ExchangeTotals& exchanged = run.exchange().run();
  work.exchange = {exchanged.bytes, exchanged.bytes_across_nodes};
  b.mean_step = mean_step_lower_bound(deployment, work);
  return b;
}

std::string format_run_bound(const RunBound& b) {
  std::string s;
  auto out = std::back_inserter(s);
  const ServingBound& t = b.throughput;
  fmt::format_to(out, "bound     {:.1f} output tokens/s ({} binds; batch {} sequences)",
                 t.output_tokens_per_s, to_string(t.binding), t.batch);
  if (b.achieved_tokens_per_s > 0) {
    fmt::format_to(out, "; achieved {:.1f} = {:.1f}% of bound", b.achieved_tokens_per_s,
                   100.0 * b.throughput_fraction());
  }
  s += '\n';
  if (b.achieved_step_s > 0) {
    fmt::format_to(out,
                   "          mean step {:.3f} ms, bound {:.3f} ms ({} binds) = {:.1f}% of the "
                   "hardware limit\n",
                   b.achieved_step_s * 1e3, b.mean_step.bound() * 1e3,
                   to_string(b.mean_step.binding()), 100.0 * b.step_fraction());
  }
  return s;
}

}  // namespace moesim
