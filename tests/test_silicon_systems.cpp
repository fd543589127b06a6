// The silicon suite on a table of other systems (`--table`): each row runs on its system's GPU
// (kSiliconSystems), rows of systems moesim does not map are left out with the system named,
// and `validate` and `calibrate` take the table through the CLI.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "cli/validation/silicon_suite.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

const char* kShipped = "scenarios/validation/measured/silicon/silicon_h100.csv";
const char* kBase = "scenarios/validation/silicon_h100.yaml";
/// gpt-oss-120b on vLLM, TP8, 4 clients, 1,024 / 1,024 tokens.
const char* kRow = "_vllm_fp4_agg_1024x1024_c4_tp8_ep1_382";

/// The shipped table's header and its row whose id ends with `suffix` once per system in
/// `systems` (its system field and the system in its id replaced).
std::string row_on_systems(const std::vector<std::string>& systems,
                           const std::string& suffix = kRow) {
  std::ifstream in(source_path(kShipped));
  std::string header, line, row;
  std::getline(in, header);
  while (std::getline(in, line)) {
    const std::string id = line.substr(0, line.find(','));
    if (id.size() > suffix.size() && id.ends_with(suffix)) row = line;
  }
  REQUIRE_FALSE(row.empty());
  std::string out = header + "\n";
  for (const std::string& system : systems) {
    std::string copy = row;
    for (size_t at = copy.find("h100_sxm"); at != std::string::npos;
         at = copy.find("h100_sxm", at + system.size())) {
      copy.replace(at, 8, system);
    }
    out += copy + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("silicon rows run on their system's GPU and other systems are left out by name",
          "[silicon]") {
  TempDir dir("silicon-systems");
  const auto table = dir.path() / "systems.csv";
  moesim::test::write_text(table, row_on_systems({"h100_sxm", "h200_sxm", "gb200", ""}));
  const moesim::SiliconRows read = moesim::read_silicon_rows(table, moesim::catalogue_hf_ids());
  REQUIRE(read.rows.size() == 2);
  CHECK(read.rows[0].gpu == "H100-SXM");
  CHECK(read.rows[1].gpu == "H200");
  const auto skipped = [&](const std::string& why) {
    return std::any_of(read.skipped.begin(), read.skipped.end(), [&](const auto& s) {
      return s.first.find(why) != std::string::npos && s.second == 1;
    });
  };
  CHECK(skipped("system gb200, not an HGX node"));
  CHECK(skipped("system not recorded, not an HGX node"));

  // The same deployment decodes faster on H200's 4.8 TB/s than on H100's 3.35 TB/s; its
  // operator times are H100's tables moved by each operator's roofline ratio.
  const auto sim = moesim::simulate_silicon_rows(source_path(kBase), read.rows,
                                                 moesim::builtin_strategies(), {});
  REQUIRE(sim.size() == 2);
  CHECK(sim[1].tpot_ms < sim[0].tpot_ms);
  CHECK(sim[1].tpot_ms > 0.5 * sim[0].tpot_ms);
}

TEST_CASE("validate and calibrate --suite silicon take another table", "[silicon][cli]") {
  TempDir dir("silicon-table");
  const auto table = dir.path() / "h200.csv";
  moesim::test::write_text(table, row_on_systems({"h200_sxm", "gb200"}));
  const auto v = run_cli({"validate", "--suite", "silicon", "--table", table.string(), "--out",
                          (dir.path() / "v").string()});
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Contains("silicon: 1 aggregated rows of MoE models in h200.csv"));
  // Rows off the tables' GPU are judged apart; one check row is too few to judge.
  CHECK_THAT(v.out, Contains("gpt-oss-120b / vllm on H200"));
  CHECK_THAT(v.out, Contains("goal: judged: a model and backend with at least 10 check rows: "
                             "NOT met"));
  CHECK_THAT(v.out, Contains("left out: 1 rows, system gb200"));
  CHECK_THAT(v.out, Contains("--set hardware.gpu=H200"));
  const std::string csv = read_text(dir.path() / "v" / "validation.csv");
  CHECK_THAT(csv, Contains("check/2026_04_06_gpt_oss_120b_h200_sxm_vllm"));

  // A table without fit rows has nothing to calibrate on; a missing table names its path.
  const auto c = run_cli({"calibrate", "--suite", "silicon", "--table", table.string()});
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Contains("h200.csv: no fit rows to calibrate on"));
  const auto missing =
      run_cli({"validate", "--suite", "silicon", "--table", (dir.path() / "none.csv").string(),
               "--out", (dir.path() / "m").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("none.csv"));
}

TEST_CASE("a silicon table with no usable row, a bad field or mixed GPUs exits 2 naming it",
          "[silicon][cli]") {
  TempDir dir("silicon-bad-table");
  const auto fails_with = [&](const std::string& command, const std::string& text,
                              const std::string& message) {
    CAPTURE(command, message);
    const auto table = dir.path() / "bad.csv";
    moesim::test::write_text(table, text);
    const auto r = command == "validate"
                       ? run_cli({"validate", "--suite", "silicon", "--table", table.string(),
                                  "--out", (dir.path() / "o").string()})
                       : run_cli({"calibrate", "--suite", "silicon", "--table", table.string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "o"));
  };
  fails_with("validate", row_on_systems({"gb200"}), "bad.csv: no row to simulate");
  // Column `column` (0-based) of the first data row set to `value`.
  const auto with_field = [](std::string table, int column, const std::string& value) {
    size_t field = table.find('\n') + 1;
    for (int i = 0; i < column; ++i) field = table.find(',', field) + 1;
    return table.replace(field, table.find(',', field) - field, value);
  };
  // tp_size (column 13): 0 GPUs is no layout.
  fails_with("validate", with_field(row_on_systems({"h200_sxm"}), 13, "0"),
             "bad.csv:2: column 'tp_size': expected a whole number from 1 to 16777216, got "
             "\"0\"");
  // silicon_ttft_ms (column 32): a measurement must be positive to take an error against.
  fails_with("validate", with_field(row_on_systems({"h200_sxm"}), 32, "0"),
             "bad.csv:2: silicon_ttft_ms and silicon_tpot_ms must be > 0");
  std::string no_clients = row_on_systems({"h200_sxm"});
  no_clients.replace(no_clients.find("_c4_"), 4, "_c0_");
  fails_with("validate", no_clients, "expected a client concurrency _c<N>_ from 1 to");
  // Qwen3-235B-A22B-FP8 (235 GB of fp8 weights) on one H100: moesim refuses the deployment and
  // names the row.
  std::string one_gpu = row_on_systems({"h100_sxm"}, "_trtllm_agg_512x128_c4_tp4_epnone_1");
  one_gpu = with_field(with_field(one_gpu, 13, "1"), 17, "1");
  fails_with("validate", one_gpu,
             "silicon row at line 2 (qwen_qwen3_235b_a22b_fp8_qwen_qwen3_235b_a22b_fp8_h100_sxm_"
             "trtllm_agg_512x128_c4_tp4_epnone_1): ");
  // The same row at 8 clients (a fit row) on two GPUs.
  std::string mixed = row_on_systems({"h100_sxm", "h200_sxm"});
  for (size_t at = mixed.find("_c4_"); at != std::string::npos; at = mixed.find("_c4_", at)) {
    mixed.replace(at, 4, "_c8_");
  }
  fails_with("calibrate", mixed, "bad.csv: fit rows on H100-SXM (line 2) and H200 (line 3)");
}
