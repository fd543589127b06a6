// moesim calibrate --suite silicon on a table of four TRT-LLM rows (Qwen3-235B-A22B-FP8 at 8
// and 64 clients, copied from the measured H100 table): it prints one backend's constants, all
// at least 0, and the front end it fits brings the rows' simulated TTFT closer to the measured.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "cli/validation/silicon_suite.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

/// The header and the rows of `table` whose id ends with one of `ids`.
std::string table_with(const std::filesystem::path& table, const std::vector<std::string>& ids) {
  std::ifstream in(table);
  std::string line, out;
  std::getline(in, line);
  out = line + "\n";
  while (std::getline(in, line)) {
    const std::string id = line.substr(0, line.find(','));
    for (const std::string& want : ids) {
      if (id.size() >= want.size() && id.compare(id.size() - want.size(), want.size(), want) == 0) {
        out += line + "\n";
      }
    }
  }
  return out;
}

/// The `key: value` numbers of the printed `overhead: {...}` map.
std::map<std::string, double> overhead_values(const std::string& text) {
  std::map<std::string, double> values;
  const std::regex pair(R"(([a-z_]+): ([0-9.eE+-]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pair); it != std::sregex_iterator();
       ++it) {
    values[(*it)[1]] = std::stod((*it)[2]);
  }
  return values;
}

}  // namespace

TEST_CASE("calibrate --suite silicon fits a front end that brings its fit rows' TTFT closer",
          "[silicon][calibrate]") {
  TempDir dir("silicon_calibration");
  const std::filesystem::path table = dir.path() / "four_rows.csv";
  moesim::test::write_text(
      table, table_with(source_path("scenarios/validation/measured/silicon/silicon_h100.csv"),
                        {"_512x128_c8_tp4_epnone_10", "_128x128_c64_tp4_epnone_40",
                         "_512x128_c64_tp4_epnone_46", "_512x128_c8_tp8_epnone_73"}));
  const std::filesystem::path base = source_path("scenarios/validation/silicon_h100.yaml");
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const std::string text = moesim::silicon_calibration_text(base, table, catalog);
  INFO(text);
  REQUIRE(text.find("trtllm:  # 4 fit rows") != std::string::npos);
  CHECK(text.find("vllm:") == std::string::npos);
  auto values = overhead_values(text.substr(text.find("overhead:")));
  for (const char* key :
       {"graph_us", "per_sequence_us", "request_us", "prompt_token_us", "in_flight_us"}) {
    CAPTURE(key);
    REQUIRE(values.count(key) == 1);
    CHECK(values[key] >= 0);
  }

  const moesim::SiliconRows read = moesim::read_silicon_rows(table, moesim::catalogue_hf_ids());
  REQUIRE(read.rows.size() == 4);
  const moesim::ScenarioOverride kernels_only{"serving.cost_model.framework_overhead", "none", ""};
  const auto set = [](const std::string& key, double us) {
    return moesim::ScenarioOverride{key, fmt::format("{} us", us), ""};
  };
  const auto before = moesim::simulate_silicon_rows(base, read.rows, catalog, {kernels_only});
  const auto after = moesim::simulate_silicon_rows(
      base, read.rows, catalog,
      {kernels_only, set("serving.cost_model.request_latency", values["request_us"]),
       set("serving.cost_model.prompt_token_latency", values["prompt_token_us"]),
       set("serving.cost_model.in_flight_latency", values["in_flight_us"])});
  double squared_before = 0, squared_after = 0;
  for (size_t i = 0; i < read.rows.size(); ++i) {
    const double measured = read.rows[i].ttft_ms;
    squared_before += std::pow(before[i].ttft_ms / measured - 1, 2);
    squared_after += std::pow(after[i].ttft_ms / measured - 1, 2);
  }
  CAPTURE(squared_before, squared_after);
  CHECK(squared_after < 0.5 * squared_before);
  CHECK(squared_after < 4 * 0.1 * 0.1);  // within 10% on each of the 4 rows, in quadrature
}
