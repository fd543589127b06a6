#include "cli/app/serving_report.h"

#include <string_view>

#include <fmt/format.h>

#include "models/engine/serving/serving_metrics.h"

namespace moesim {
namespace {

std::string distribution_line(const std::string& name, const Distribution& d, double scale,
                              const std::string& unit) {
  return fmt::format("{:<22} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}   {}\n", name, d.mean * scale,
                     d.median * scale, d.p90 * scale, d.p99 * scale, unit);
}

}  // namespace

std::string format_serving_summary(const ServingRun& run) {
  const ServingSimulation& sim = run.simulation();
  const ServingScenario& s = *run.config().serving;
  const IterationTotals& totals = sim.totals();
  const ServingSummary sum = summarise(sim.requests(), totals.iterations(), sim.preemptions());
  const double busy_us = totals.busy_us();
  std::string out;
  auto o = std::back_inserter(out);
  const ParallelLayout& l = s.layout;
  const std::string hybrid = l.expert_parallel > 1 && l.moe_tensor_parallel() > 1
                                 ? fmt::format(" x MoE-TP{}", l.moe_tensor_parallel())
                                 : "";
  fmt::format_to(o, "serving {}: {} on {} x {}, DP{} TP{} PP{} EP{}{}, scheduler {}\n",
                 run.config().name, run.config().card->name, l.gpus(), run.config().gpu.name,
                 l.data_parallel, l.tensor_parallel, l.pipeline_parallel, l.expert_parallel, hybrid,
                 s.scheduler.name);
  const MemoryPlan& memory = run.memory();
  const double kv_gb = memory.kv_blocks * s.block_size * memory.kv_bytes_per_token / 1e9;
  if (memory.streamed) {
    fmt::format_to(o,
                   "memory: weights in host memory ({:.2f} GB), streamed over {} into a GPU "
                   "buffer of two layers with embedding and LM head ({:.2f} GB); activations "
                   "{:.2f} GB on the GPU; KV cache in host memory, {} blocks of {} tokens "
                   "({:.2f} GB); decode attention on {} x {}\n",
                   memory.host_weight_bytes / 1e9, s.host->host_link.name,
                   memory.weight_bytes / 1e9, memory.activation_bytes / 1e9, memory.kv_blocks,
                   s.block_size, kv_gb, s.host->sockets, s.host->cpu.name);
  } else {
    fmt::format_to(o,
                   "memory per GPU: weights {:.2f} GB, activations {:.2f} GB, KV cache {} blocks "
                   "of {} tokens ({:.2f} GB)\n",
                   memory.weight_bytes / 1e9, memory.activation_bytes / 1e9, memory.kv_blocks,
                   s.block_size, kv_gb);
  }
  const ExpertLoadBalancer& experts = run.experts();
  fmt::format_to(
      o,
      "experts: placement {}, {:.0f} replicas per layer on {} ranks, MoE tokens per rank "
      "max/mean "
      "{:.3f}, {} re-plans moving {:.2f} GB\n",
      run.config().placement.name, experts.replicas_per_layer(), experts.placement().ranks,
      experts.max_over_mean(), experts.replans(), experts.migrated_bytes() / 1e9);
  const ExchangeTotals& exchange = run.exchange().run();
  fmt::format_to(o,
                 "dispatch: {}, dispatch {:.3f} s + combine {:.3f} s over all MoE layers, "
                 "{:.2f} GB moved, {:.2f} GB across nodes{}\n",
                 run.config().dispatch.name, exchange.dispatch_us / 1e6, exchange.combine_us / 1e6,
                 exchange.bytes / 1e9, exchange.bytes_across_nodes / 1e9,
                 exchange.bytes_saved > 0
                     ? fmt::format(", {:.2f} GB saved by speculation", exchange.bytes_saved / 1e9)
                     : "");
  if (const std::string line = run.cost().summary(); !line.empty()) {
    fmt::format_to(o, "cost model: {}\n", line);
  }
  if (s.two_batch_overlap) {
    fmt::format_to(
        o, "two-batch overlap: {:.3f} s of exchange hidden under the other half's compute\n",
        totals.hidden_communication_us() / 1e6);
  }
  if (s.closed_loop) {
    fmt::format_to(
        o, "closed loop: {} clients (vllm bench serve --max-concurrency), {:.3f} requests/s",
        s.closed_loop->concurrency,
        sum.duration_s > 0 ? double(sum.requests) / sum.duration_s : 0.0);
    if (s.closed_loop->ramp == ClientRamp::kFirstToken) {
      fmt::format_to(o,
                     "; one client more per first token, the {} requests sent before the last "
                     "started not counted (warm-up)",
                     sim.requests().size() - sum.requests);
    }
    if (s.closed_loop->connection_limit != 0) {
      fmt::format_to(o,
                     "; at most {} requests past the clients at once (connection pool), a "
                     "request's wait for a connection counted in its TTFT",
                     s.closed_loop->connection_limit);
    }
    fmt::format_to(o, "\n");
  }
  fmt::format_to(o, "{} requests, {} iterations, {} preemptions, {:.2f} s, {:.1f} output tok/s\n\n",
                 sum.requests, sum.iterations, sum.preemptions, sum.duration_s,
                 sum.output_tokens_per_s);
  fmt::format_to(o, "{:<22} {:>10} {:>10} {:>10} {:>10}\n", "metric", "mean", "median", "P90",
                 "P99");
  out += distribution_line("TTFT", sum.ttft_s, 1e3, "ms");
  out += distribution_line("TPOT", sum.tpot_s, 1e3, "ms");
  out += distribution_line("inter-token latency", sum.itl_s, 1e3, "ms");
  out += distribution_line("request latency", sum.latency_s, 1e3, "ms");
  if (s.layout.pipeline_parallel == 1) {
    fmt::format_to(o, "\nengine time by component (critical path, share of {:.2f} s busy):\n",
                   busy_us / 1e6);
  } else {
    fmt::format_to(o,
                   "\nengine time by component (every stage's critical path, share of {:.2f} s "
                   "summed over batches that overlap in the pipeline):\n",
                   busy_us / 1e6);
  }
  for (const auto& [name, us] : {std::pair{"MoE blocks", totals.moe_us()},
                                 {"attention", totals.attention_us()},
                                 {"dense operators", totals.dense_us()},
                                 {"communication", totals.communication_us()},
                                 {"LM head + sampler", totals.sampling_us()},
                                 {"framework overhead", totals.overhead_us()},
                                 {"weight streaming", totals.host_transfer_us()}}) {
    if (us == 0 && std::string_view(name) == "weight streaming") continue;  // weights on the GPU
    fmt::format_to(o, "  {:<20} {:>9.3f} s {:>6.1f}%\n", name, us / 1e6,
                   busy_us > 0 ? 100 * us / busy_us : 0.0);
  }
  return out;
}

std::string format_requests_csv(const ServingSimulation& sim) {
  std::string out =
      "request_id,dp_rank,arrival_s,input_tokens,output_tokens,ttft_s,tpot_s,latency_s,"
      "preemptions,inter_token_latencies_s\n";
  auto o = std::back_inserter(out);
  const auto metrics = request_metrics(sim.requests());
  for (size_t i = 0; i < metrics.size(); ++i) {
    const RequestMetrics& m = metrics[i];
    const ServingRequest& r = sim.requests()[i];
    fmt::format_to(o, "{},{},{:.9f},{},{},{:.9f},", m.id, m.dp_rank, m.arrival_s, m.input_tokens,
                   m.output_tokens, m.ttft_s);
    if (m.has_tpot) fmt::format_to(o, "{:.9f}", m.tpot_s);
    fmt::format_to(o, ",{:.9f},{},", m.latency_s, m.preemptions);
    for (size_t t = 1; t < r.token_times.size(); ++t) {
      fmt::format_to(o, "{}{:.6f}", t > 1 ? " " : "",
                     (r.token_times[t] - r.token_times[t - 1]).seconds());
    }
    out += '\n';
  }
  return out;
}

std::string format_timeseries_csv(const ServingSimulation& sim) {
  std::string out = "t,prompt_throughput,gen_throughput,running,waiting,kv_cache_pct\n";
  auto o = std::back_inserter(out);
  for (const ServingSample& s : sim.samples()) {
    fmt::format_to(o, "{:.1f},{:.1f},{:.1f},{},{},{:.2f}\n", s.time.seconds(),
                   s.prompt_tokens_per_s, s.generated_tokens_per_s, s.running, s.waiting,
                   100 * s.kv_usage);
  }
  return out;
}

std::string format_layers_csv(const ServingSimulation& sim) {
  const size_t ranks = sim.ranks();
  const std::vector<double>& busy = sim.totals().layer_rank_busy_us();
  const double span = sim.end_time().seconds();
  std::string out = "layer,rank,busy_s,busy_share\n";
  auto o = std::back_inserter(out);
  for (size_t i = 0; i < busy.size(); ++i) {
    fmt::format_to(o, "{},{},{:.6f},{:.6f}\n", i / ranks, i % ranks, busy[i] / 1e6,
                   span > 0 ? busy[i] / 1e6 / span : 0.0);
  }
  return out;
}

}  // namespace moesim
