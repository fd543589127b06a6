#include "cli/app/run_report.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "cli/app/layer_bound.h"
#include "sim/units.h"
#include "traces/json_writer.h"

namespace moesim {
namespace {

struct LoadStats {
  uint64_t min = 0;
  uint64_t max = 0;
  double mean = 0.0;
};

LoadStats load_stats(const std::vector<uint64_t>& v) {
  if (v.empty()) return {};
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double sum = std::accumulate(v.begin(), v.end(), 0.0);
  return {*lo, *hi, sum / static_cast<double>(v.size())};
}

double total_dispatch_bytes(const LayerForwardResult& r) {
  double sum = 0.0;
  for (const auto& row : r.dispatch_bytes) sum = std::accumulate(row.begin(), row.end(), sum);
  return sum;
}

std::string us(Time t) {
  return fmt::format("{:.3f}", t.microseconds());
}

}  // namespace

std::string format_summary(const LayerSimulation& sim) {
  const ScenarioConfig& c = sim.config();
  const LayerForwardResult& r = sim.forward().result();
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "moesim {}: scenario '{}', seed {}\n", MOESIM_VERSION, c.name, c.seed);
  fmt::format_to(out, "model     {}: hidden {}, expert FFN {}, {} experts, top-{}, {}\n",
                 c.model.name, c.model.hidden_size, c.model.expert_ffn_size, c.model.num_experts,
                 c.model.top_k, to_string(c.model.dtype));
  fmt::format_to(out, "hardware  {} x {} ({:.4g} TFLOP/s {}, {}), {} topology{}\n",
                 sim.topology().gpus().size(), c.gpu.name, c.gpu.peak_flops / 1e12,
                 to_string(c.model.dtype), format_bandwidth(c.gpu.memory_bandwidth),
                 c.system.builder,
                 c.system.name.empty() ? "" : fmt::format(" (system {})", c.system.name));
  fmt::format_to(out,
                 "workload  {} tokens; routing {}, placement {}, cost model {}, network {}\n\n",
                 c.tokens, c.routing.name, c.placement.name, c.cost_model.name, c.network.name);

  const Time total = r.end - r.start;
  fmt::format_to(out, "{:<10} {:>12} {:>12} {:>7}\n", "stage", "start (us)", "time (us)", "share");
  for (const StageSpan& st : r.stages) {
    const Time d = st.end - st.start;
    const double share = total > Time::zero() ? 100.0 * d.seconds() / total.seconds() : 0.0;
    fmt::format_to(out, "{:<10} {:>12} {:>12} {:>6.1f}%\n", to_string(st.stage),
                   us(st.start - r.start), us(d), share);
  }
  fmt::format_to(out, "{:<10} {:>12} {:>12}\n\n", "total", "", us(total));

  const double bytes = total_dispatch_bytes(r);
  fmt::format_to(out, "dispatch  {} over the network each way ({} per token per remote rank)\n",
                 format_bytes(bytes), format_bytes(c.model.token_bytes()));
  const LoadStats e = load_stats(r.tokens_per_expert);
  fmt::format_to(out,
                 "experts   tokens per expert min {} / mean {:.1f} / max {} (max/mean {:.3f})\n",
                 e.min, e.mean, e.max, e.mean > 0 ? e.max / e.mean : 0.0);
  fmt::format_to(out, "events    {} simulated\n", sim.simulator().events_processed());
  s += format_layer_bound(layer_bound(sim));
  return s;
}

std::string format_metrics_json(const LayerSimulation& sim) {
  const ScenarioConfig& c = sim.config();
  const LayerForwardResult& r = sim.forward().result();
  std::ostringstream os;
  JsonWriter w(os);
  w.begin_object();
  w.key("moesim_version").value(MOESIM_VERSION);
  w.key("scenario").value(c.name);
  w.key("seed").value(c.seed);
  w.key("total_us").raw((r.end - r.start).exact_microseconds());
  w.key("stages").begin_array();
  for (const StageSpan& st : r.stages) {
    w.begin_object().key("name").value(to_string(st.stage));
    w.key("start_us").raw((st.start - r.start).exact_microseconds());
    w.key("duration_us").raw((st.end - st.start).exact_microseconds()).end_object();
  }
  w.end_array();
  w.key("ranks").begin_array();
  for (uint32_t rank = 0; rank < sim.gpus().size(); ++rank) {
    double sent = 0.0;
    for (const double b : r.dispatch_bytes[rank]) sent += b;
    w.begin_object().key("rank").value(rank);
    w.key("home_tokens").value(r.home_tokens_per_rank[rank]);
    w.key("expert_tokens").value(r.expert_tokens_per_rank[rank]);
    w.key("compute_busy_us").raw(sim.gpus()[rank].stream(0).busy().exact_microseconds());
    w.key("dispatch_bytes_sent").value(sent).end_object();
  }
  w.end_array();
  w.key("tokens_per_expert").begin_array();
  for (const uint64_t t : r.tokens_per_expert) w.value(t);
  w.end_array();
  w.key("links").begin_array();
  const NetworkModel& net = sim.network();
  for (LinkId l = 0; l < net.link_count(); ++l) {
    w.begin_object().key("name").value(net.link(l).name);
    w.key("class").value(net.link(l).link_class);
    w.key("bytes").value(net.bytes_carried(l)).end_object();
  }
  w.end_array();
  w.key("events").value(sim.simulator().events_processed());
  const LayerBound bound = layer_bound(sim);
  w.key("bound").begin_object();
  w.key("step_bound_us").value(bound.step.bound() * 1e6);
  w.key("binding").value(to_string(bound.step.binding()));
  w.key("by_resource_us").begin_object();
  for (size_t i = 0; i < kResourceCount; ++i) {
    const auto resource = static_cast<Resource>(i);
    if (bound.step[resource] > 0) w.key(to_string(resource)).value(bound.step[resource] * 1e6);
  }
  w.end_object();
  w.key("step_fraction_of_bound").value(bound.fraction());
  w.key("expert_load_imbalance").value(bound.straggler.imbalance);
  w.end_object();
  w.end_object();
  return os.str();
}

}  // namespace moesim
