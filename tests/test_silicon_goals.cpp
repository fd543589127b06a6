// `moesim validate --suite silicon`, whole: the goals of roadmap step 9 per model and backend
// (docs/validation.md, "silicon"). Issue 15 asks for every goal; eight of the nine are met today.
// This test keeps those eight from slipping back and checks that the other one is judged and
// reported; it does not assert it, because it is not met (the docs say why). gpt-oss-120b's two
// medians sit a few tenths of a point inside their limits (19.9% of 20%, 9.8% of 10%): a model
// change can move them out, and then this list, the docs and the note change together.

#include <algorithm>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;

namespace {

/// The line of `summary` that judges `goal` for `group` ("goal: GROUP: GOAL ...: met").
std::string goal_line(const std::string& summary, const std::string& group,
                      const std::string& goal) {
  const size_t at = summary.find("goal: " + group + ": " + goal);
  if (at == std::string::npos) return {};
  return summary.substr(at, summary.find('\n', at) - at);
}

}  // namespace

TEST_CASE("whole suite: silicon: the goals met today stay met and every goal is reported",
          "[silicon][validation]") {
  TempDir dir("silicon-goals");
  const auto r = run_cli({"validate", "--suite", "silicon", "--out", (dir / "si").string()});
  REQUIRE(r.exit_code == 0);
  const std::string summary = read_text(dir / "si" / "summary.txt");
  CHECK_THAT(r.out, Contains(summary));
  const std::string csv = read_text(dir / "si" / "validation.csv");
  // A header, and TTFT and TPOT for each of the 230 rows.
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2 * 230);
  const std::string tpot_median = "TPOT median |error|", tpot_p90 = "TPOT P90 |error|",
                    ttft_median = "TTFT median |error|";
  const std::pair<std::string, std::string> met[] = {{"Qwen3-235B-A22B-FP8 / trtllm", tpot_median},
                                                     {"Qwen3-235B-A22B-FP8 / trtllm", tpot_p90},
                                                     {"Qwen3-235B-A22B-FP8 / trtllm", ttft_median},
                                                     {"MiniMax-M2.5 / vllm", tpot_median},
                                                     {"MiniMax-M2.5 / vllm", tpot_p90},
                                                     {"MiniMax-M2.5 / vllm", ttft_median},
                                                     {"gpt-oss-120b / vllm", ttft_median},
                                                     {"gpt-oss-120b / vllm", tpot_median}};
  for (const auto& [group, goal] : met) {
    INFO(group << ": " << goal);
    CHECK(goal_line(summary, group, goal).ends_with(": met"));
  }
  CHECK_FALSE(goal_line(summary, "gpt-oss-120b / vllm", tpot_p90).empty());
  // Five gpt-oss-120b rows on TRT-LLM are fewer than the ten a goal needs: reported, not judged.
  CHECK_THAT(summary, Contains("gpt-oss-120b / trtllm                0     5"));
  CHECK_FALSE(summary.find("goal: gpt-oss-120b / trtllm") != std::string::npos);
}
