#include "traces/metrics/trace_stats.h"

#include <fstream>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/metrics/crosslayer_predictability.h"
#include "traces/metrics/layer_load_stats.h"
#include "traces/metrics/segment_cache_hits.h"
#include "traces/metrics/segment_routing_performance.h"

namespace moesim {
namespace {

std::vector<std::pair<uint32_t, uint32_t>> default_pairs(uint32_t layers) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t l = 0; l + 1 < layers; ++l) out.emplace_back(l, l + 1);
  for (const auto& p : {std::pair<uint32_t, uint32_t>{0, 7}, {7, 15}, {0, 15}}) {
    if (p.second < layers && p.second != p.first + 1) out.push_back(p);
  }
  return out;
}

std::vector<double> as_doubles(const std::vector<uint64_t>& v) {
  return {v.begin(), v.end()};
}

void check_record(const TraceHeader& h, const RoutingRecordView& r) {
  if (r.layer >= h.layers) {
    throw ConfigError(
        fmt::format("trace record of request {} position {}: layer {} is not below "
                    "the header's {} layers",
                    r.request, r.position, r.layer, h.layers));
  }
  for (const uint32_t e : r.experts) {
    if (e >= h.experts) {
      throw ConfigError(
          fmt::format("trace record of request {} position {} layer {}: expert {} "
                      "is not below the header's {} experts",
                      r.request, r.position, r.layer, e, h.experts));
    }
  }
}

}  // namespace

TraceStats compute_trace_stats(TraceReader& reader, const TraceStatsOptions& options) {
  const TraceHeader& h = reader.header();
  const uint32_t e = h.experts;
  LayerLoadStats loads(e);
  CrossLayerPredictability cross(
      e, options.layer_pairs.empty() ? default_pairs(h.layers) : options.layer_pairs);
  SegmentRoutingPerformance srp(e, options.srp_segments);
  SegmentCacheHits sch(e, options.sch_windows);
  RoutingBatch batch;
  while (reader.next(batch, options.batch_records)) {
    for (size_t i = 0; i < batch.size(); ++i) {
      const RoutingRecordView r = batch.record(i);
      check_record(h, r);
      loads.add(r.layer, r.experts);
      cross.add(r);
      srp.add(r);
      if (!options.sch_windows.empty()) sch.add(r);
    }
  }
  sch.finish();

  TraceStats out;
  std::string layer_csv = "layer,tokens,selections,max_over_mean,min_over_mean,cv\n";
  std::string expert_csv = "layer,expert,count\n";
  std::string coverage_csv = "layer,experts,coverage\n";
  std::string coactivation_csv = "layer,expert_a,expert_b,count\n";
  out.summary = fmt::format("trace: {} layers, {} experts, top-{} nominal\n", h.layers, e, h.top_k);
  for (uint32_t l = 0; l < loads.layers(); ++l) {
    const std::vector<double> v = as_doubles(loads.loads(l));
    const LoadSummary s = summarise_loads(v);
    uint64_t selections = 0;
    for (const uint64_t x : loads.loads(l)) selections += x;
    layer_csv += fmt::format("{},{},{},{},{},{}\n", l, loads.tokens(l), selections, s.max_over_mean,
                             s.min_over_mean, s.coefficient_of_variation);
    for (uint32_t x = 0; x < e; ++x) expert_csv += fmt::format("{},{},{}\n", l, x, v[x]);
    const std::vector<double> curve = coverage_curve(v);
    for (size_t c = 0; c < curve.size(); ++c) {
      coverage_csv += fmt::format("{},{},{}\n", l, c + 1, curve[c]);
    }
    const auto& co = loads.coactivation(l);
    for (uint32_t a = 0; a < e; ++a) {
      for (uint32_t b = a + 1; b < e; ++b) {
        const uint64_t n = co[static_cast<size_t>(a) * e + b];
        if (n > 0) coactivation_csv += fmt::format("{},{},{},{}\n", l, a, b, n);
      }
    }
    out.summary += fmt::format(
        "layer {:3}: {} tokens, max/mean {:.3f}, min/mean {:.3f}, CV {:.3f}, top-{} coverage "
        "{:.3f}\n",
        l, loads.tokens(l), s.max_over_mean, s.min_over_mean, s.coefficient_of_variation,
        std::max<uint32_t>(1, e / 4),
        curve.empty() ? 0.0 : curve[std::max<uint32_t>(1, e / 4) - 1]);
  }

  std::string cross_csv = "layer_i,layer_j,choices,pairs,accuracy,baseline\n";
  for (size_t p = 0; p < cross.pairs().size(); ++p) {
    const auto [i, j] = cross.pairs()[p];
    const Predictability top1 = predictability_from_counts(cross.top1_counts(p), e);
    const Predictability all = predictability_from_counts(cross.all_counts(p), e);
    cross_csv +=
        fmt::format("{},{},top1,{},{},{}\n", i, j, top1.pairs, top1.accuracy, top1.baseline);
    cross_csv += fmt::format("{},{},all,{},{},{}\n", i, j, all.pairs, all.accuracy, all.baseline);
    if (top1.pairs > 0) {
      out.summary += fmt::format("top-1 predictability {} -> {}: {:.3f} (marginal only {:.3f})\n",
                                 i, j, top1.accuracy, top1.baseline);
    }
  }

  std::string srp_csv = "m,layer,segments,best_p,srp\n";
  for (size_t m = 0; m < srp.segment_lengths().size(); ++m) {
    const uint32_t len = srp.segment_lengths()[m];
    for (uint32_t l = 0; l < srp.layers(); ++l) {
      const SrpResult r = srp.result(m, l);
      srp_csv += fmt::format("{},{},{},{},{}\n", len, l, r.segments, r.best_p, r.srp);
    }
    const SrpResult all = srp.result_all_layers(m);
    srp_csv += fmt::format("{},all,{},{},{}\n", len, all.segments, all.best_p, all.srp);
    out.summary += fmt::format("SRP({}) = {:.3f} with {} experts ({} segments)\n", len, all.srp,
                               all.best_p, all.segments);
  }

  std::string sch_csv = "m,layer,cache_experts,hit_rate\n";
  for (size_t w = 0; w < sch.windows().size(); ++w) {
    const uint32_t len = sch.windows()[w];
    for (uint32_t l = 0; l < sch.layers(); ++l) {
      const auto rates = sch.hit_rates(w, l);
      for (size_t c = 0; c < rates.size(); ++c) {
        sch_csv += fmt::format("{},{},{},{}\n", len, l, c + 1, rates[c]);
      }
    }
    const auto all = sch.hit_rates_all_layers(w);
    for (size_t c = 0; c < all.size(); ++c) {
      sch_csv += fmt::format("{},all,{},{}\n", len, c + 1, all[c]);
    }
    const size_t quarter = std::max<size_t>(1, e / 4);
    if (all.size() >= quarter) {
      out.summary += fmt::format("SCH({}, {}) = {:.3f}\n", len, quarter, all[quarter - 1]);
    }
  }

  out.files = {{"layer_loads.csv", layer_csv},
               {"expert_loads.csv", expert_csv},
               {"coverage.csv", coverage_csv},
               {"coactivation.csv", coactivation_csv},
               {"crosslayer.csv", cross_csv},
               {"srp.csv", srp_csv},
               {"sch.csv", sch_csv}};
  return out;
}

std::string run_trace_stats(TraceReader& reader, const std::filesystem::path& out_dir,
                            const TraceStatsOptions& options) {
  TraceStats stats = compute_trace_stats(reader, options);
  std::filesystem::create_directories(out_dir);
  for (const auto& [name, text] : stats.files) {
    std::ofstream file(out_dir / name, std::ios::trunc);
    file << text;
    if (!file) throw std::runtime_error("cannot write " + (out_dir / name).string());
  }
  return stats.summary;
}

}  // namespace moesim
