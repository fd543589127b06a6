#include "traces/calibration/measured_routing.h"

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

struct ModelInfo {
  const char* name;  // catalogue name
  const char* key;   // name in the CSVs
  uint32_t experts, top_k, layers;
  std::vector<std::string> domains;
};

const std::vector<ModelInfo>& models() {
  static const std::vector<ModelInfo> list = {
      {"Mixtral-8x7B", "mistral", 8, 2, 32, {"arxiv", "books", "c4", "github", "wikipedia"}},
      {"OLMoE-1B-7B", "olmoe", 64, 8, 16, {"arxiv", "books", "c4", "github", "wikipedia", "tulu"}},
  };
  return list;
}

/// The CSVs call the books domain "book".
std::string csv_domain(const std::string& domain) {
  return domain == "books" ? "book" : domain;
}

uint32_t index_cell(const CsvTable& t, size_t row, size_t column, uint32_t limit) {
  const double v = t.number(row, column);
  if (!(v >= 0.0 && v < limit) || v != static_cast<uint32_t>(v)) {
    throw ConfigError(fmt::format("{}:{}: expected an index below {}, got {}", t.file(),
                                  t.line_of(row), limit, t.cell(row, column)));
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

std::filesystem::path default_routing_stats_dir() {
  return MOESIM_ROUTING_STATS_DIR;
}

std::vector<std::pair<std::string, std::vector<std::string>>> measured_routing_catalogue() {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const ModelInfo& m : models()) out.emplace_back(m.name, m.domains);
  return out;
}

std::optional<RoutingShape> measured_routing_shape(const std::string& model) {
  for (const ModelInfo& m : models()) {
    if (model == m.name) return RoutingShape{m.experts, m.top_k};
  }
  return std::nullopt;
}

std::map<std::pair<std::string, std::string>, MeasuredRouting> load_measured_routing(
    const std::filesystem::path& dir) {
  std::map<std::pair<std::string, std::string>, MeasuredRouting> out;
  std::map<std::pair<std::string, std::string>, MeasuredRouting*> by_csv_key;
  for (const ModelInfo& m : models()) {
    for (const std::string& d : m.domains) {
      MeasuredRouting& r = out[{m.name, d}];
      r.model = m.name;
      r.domain = d;
      r.num_experts = m.experts;
      r.top_k = m.top_k;
      r.layers = m.layers;
      by_csv_key[{m.key, csv_domain(d)}] = &r;
    }
  }

  const CsvTable loads = CsvTable::read(dir / "expert_counts.csv");
  const size_t lm = loads.column("model"), ld = loads.column("domain"),
               ls = loads.column("selection"), ll = loads.column("layer"),
               le = loads.column("expert"), lc = loads.column("count");
  for (size_t i = 0; i < loads.rows(); ++i) {
    const auto it = by_csv_key.find({loads.cell(i, lm), loads.cell(i, ld)});
    if (it == by_csv_key.end()) continue;  // olmoe-sft and olmoe-dpo are not used
    MeasuredRouting& r = *it->second;
    const uint32_t layer = index_cell(loads, i, ll, r.layers);
    const uint32_t expert = index_cell(loads, i, le, r.num_experts);
    auto& target = loads.cell(i, ls) == "top1" ? r.top1_load : r.topk_load;
    auto& vec = target[layer];
    vec.resize(r.num_experts, 0.0);
    vec[expert] += loads.number(i, lc);
  }

  const CsvTable cross = CsvTable::read(dir / "crosslayer_counts.csv");
  const size_t cm = cross.column("model"), cd = cross.column("domain"),
               cs = cross.column("selection"), ci = cross.column("layer_i"),
               cj = cross.column("layer_j"), cei = cross.column("expert_i"),
               cej = cross.column("expert_j"), cc = cross.column("count");
  for (size_t i = 0; i < cross.rows(); ++i) {
    const auto it = by_csv_key.find({cross.cell(i, cm), cross.cell(i, cd)});
    if (it == by_csv_key.end()) continue;
    MeasuredRouting& r = *it->second;
    const uint32_t from = index_cell(cross, i, ci, r.layers);
    const uint32_t to = index_cell(cross, i, cj, r.layers);
    MeasuredLayerPair* pair = nullptr;
    for (MeasuredLayerPair& p : r.pairs) {
      if (p.from == from && p.to == to) pair = &p;
    }
    if (pair == nullptr) {
      r.pairs.push_back({from, to, {}, {}});
      pair = &r.pairs.back();
    }
    auto& matrix = cross.cell(i, cs) == "top1" ? pair->top1 : pair->topk;
    matrix.resize(static_cast<size_t>(r.num_experts) * r.num_experts, 0.0);
    const uint32_t a = index_cell(cross, i, cei, r.num_experts);
    const uint32_t b = index_cell(cross, i, cej, r.num_experts);
    matrix[static_cast<size_t>(a) * r.num_experts + b] += cross.number(i, cc);
  }
  for (const auto& [key, r] : out) {
    if (r.topk_load.empty()) {
      throw ConfigError(fmt::format("{}: no topk rows for {} on {}",
                                    (dir / "expert_counts.csv").string(), key.first, key.second));
    }
  }
  return out;
}

}  // namespace moesim
