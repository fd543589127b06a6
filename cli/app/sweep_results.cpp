#include "cli/app/sweep_results.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "cli/app/sweep_folder.h"
#include "sim/config_error.h"
#include "traces/json_cursor.h"

namespace moesim {
namespace fs = std::filesystem;
namespace {

/// Serving runs: throughput, latency distributions and the throughput bound
/// (cli/app/serving_metrics_json.cpp).
const std::vector<std::string> kServingColumns{"output_tokens_per_s",
                                               "ttft_s.mean",
                                               "ttft_s.median",
                                               "ttft_s.p90",
                                               "ttft_s.p99",
                                               "tpot_s.mean",
                                               "tpot_s.median",
                                               "tpot_s.p90",
                                               "tpot_s.p99",
                                               "latency_s.p90",
                                               "duration_s",
                                               "bound.output_tokens_per_s",
                                               "bound.binding",
                                               "bound.fraction_of_bound",
                                               "bound.step_fraction_of_bound"};

/// Layer runs: the pass time and its step bound (cli/app/run_report.cpp).
const std::vector<std::string> kLayerColumns{"total_us", "bound.step_bound_us", "bound.binding",
                                             "bound.step_fraction_of_bound"};

/// One scalar as text; containers are skipped (nullopt).
std::optional<std::string> scalar(JsonCursor& json) {
  const char c = json.peek();
  if (c == '"') return json.read_string();
  if (c == 'n') {
    json.read_null();
    return "";
  }
  if (c == '-' || (c >= '0' && c <= '9')) return fmt::format("{}", json.read_number());
  json.skip_value();  // true, false, arrays and objects
  return std::nullopt;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::map<std::string, std::string> flat_metrics(const std::string& text, const std::string& where) {
  std::map<std::string, std::string> flat;
  JsonCursor json(text, where);
  json.begin_object();
  std::string key;
  while (json.next_member(key)) {
    if (json.peek() != '{') {
      if (auto value = scalar(json)) flat[key] = *value;
      continue;
    }
    json.begin_object();
    std::string inner;
    while (json.next_member(inner)) {
      if (auto value = scalar(json)) flat[key + "." + inner] = *value;
    }
  }
  json.expect_end();
  return flat;
}

std::string format_results_csv(const fs::path& dir) {
  require_sweep_folder(dir);
  const SweepTable table = read_points_csv(dir / "points.csv");
  std::vector<std::optional<std::map<std::string, std::string>>> metrics;
  const std::vector<std::string>* columns = nullptr;
  for (const auto& [id, values] : table.points) {
    const fs::path path = dir / "points" / id / "metrics.json";
    const std::optional<std::string> text = read_file(path);
    if (!text) {
      metrics.emplace_back();
      continue;
    }
    metrics.emplace_back(flat_metrics(*text, path.string()));
    if (columns == nullptr) {
      columns = metrics.back()->count("output_tokens_per_s") ? &kServingColumns : &kLayerColumns;
    }
  }
  if (columns == nullptr) columns = &kLayerColumns;

  std::string csv = "id";
  for (const std::string& axis : table.axes) csv += "," + csv_field(axis);
  csv += ",status";
  for (const std::string& column : *columns) csv += "," + column;
  csv += "\n";
  for (size_t i = 0; i < table.points.size(); ++i) {
    csv += table.points[i].first;
    for (const std::string& value : table.points[i].second) csv += "," + csv_field(value);
    csv += metrics[i] ? ",ok" : ",missing";
    for (const std::string& column : *columns) {
      std::string value;
      if (metrics[i]) {
        const auto it = metrics[i]->find(column);
        if (it != metrics[i]->end()) value = it->second;
      }
      csv += "," + csv_field(value);
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace moesim
