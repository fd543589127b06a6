// The silicon suite's rows (cli/validation/silicon_rows.h) and their scenarios: which rows of
// the measured H100 table are simulated, and that every deployment that ran in reality fits
// the memory plan.
#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_run.h"
#include "cli/validation/silicon_suite.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using moesim::test::source_path;

namespace {

const std::filesystem::path kTable = "scenarios/validation/measured/silicon/silicon_h100.csv";
const std::filesystem::path kBase = "scenarios/validation/silicon_h100.yaml";

}  // namespace

TEST_CASE("the silicon suite simulates every aggregated MoE row with a card and a concurrency",
          "[silicon]") {
  const moesim::SiliconRows read =
      moesim::read_silicon_rows(source_path(kTable.string()), moesim::catalogue_hf_ids());
  // 231 aggregated rows of MiniMax-M2.5 (30), Qwen3-235B-A22B-FP8 (127) and gpt-oss-120b (74),
  // less the one 4000 x 1000 Qwen row whose id records no concurrency.
  CHECK(read.rows.size() == 230);
  size_t fit = 0;
  for (const moesim::SiliconRow& row : read.rows) {
    fit += row.fit ? 1 : 0;
    CHECK((row.fit == (row.concurrency == 8 || row.concurrency == 64)));
    CHECK(row.moe_tp * row.moe_ep == row.tp * row.attention_dp);
  }
  CHECK(fit == 78);  // 42 TRT-LLM Qwen3 rows, 36 vLLM rows
  size_t skipped = 0;
  for (const auto& [why, n] : read.skipped) skipped += n;
  CHECK(skipped == 917 - 230);
}

TEST_CASE("rows whose id names another expert-parallel size run as the id says", "[silicon]") {
  const moesim::SiliconRows read =
      moesim::read_silicon_rows(source_path(kTable.string()), moesim::catalogue_hf_ids());
  size_t relabelled = 0;
  for (const moesim::SiliconRow& row : read.rows) {
    if (!row.layout_from_id) {
      CHECK(row.id.find("_tp4_ep4_") == std::string::npos);
      continue;
    }
    INFO(row.id);
    ++relabelled;
    // The id says tp4_ep4; the columns attention DP 4 x EP 16 with batch_size = C / 4.
    CHECK(row.card == "MiniMax-M2.5");
    CHECK(row.id.find("_tp4_ep4_") != std::string::npos);
    CHECK(row.tp == 4);
    CHECK(row.attention_dp == 1);
    CHECK(row.moe_ep == 4);
    CHECK(row.moe_tp == 1);
    CHECK(row.batch == row.concurrency);
    CHECK(row.gpus() == 4);
  }
  CHECK(relabelled == 15);
}

TEST_CASE("every H100 deployment of the silicon table fits the memory plan", "[silicon]") {
  const moesim::SiliconRows read =
      moesim::read_silicon_rows(source_path(kTable.string()), moesim::catalogue_hf_ids());
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  for (const moesim::SiliconRow& row : read.rows) {
    INFO(row.id);
    // Building the run plans memory and refuses a layout whose weights leave no KV block.
    const moesim::ScenarioConfig config = moesim::load_scenario(
        source_path(kBase.string()).string(), catalog, moesim::silicon_overrides(row));
    moesim::ServingRun run(config, catalog);
    CHECK(run.memory().kv_blocks > 0);
  }
}
