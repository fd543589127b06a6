// `moesim validate --suite silicon`, whole: the goals of roadmap step 9 per model and backend
// (docs/validation.md, "silicon"). Issue 15 asks for every goal; six of the nine are met today.
// This test keeps those six from slipping back and checks that the other three are judged and
// reported; it does not assert them, because they are not met (the docs say why).

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;

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
  const char* goals[] = {"TPOT median |error|", "TPOT P90 |error|", "TTFT median |error|"};
  for (const char* group : {"Qwen3-235B-A22B-FP8 / trtllm", "MiniMax-M2.5 / vllm"}) {
    for (const char* goal : goals) {
      INFO(group << ": " << goal);
      const size_t at = summary.find(std::string("goal: ") + group + ": " + goal);
      REQUIRE(at != std::string::npos);
      const std::string line = summary.substr(at, summary.find('\n', at) - at);
      CHECK(line.ends_with(": met"));
    }
  }
  for (const char* goal : goals) {
    CHECK_THAT(summary, Contains(std::string("goal: gpt-oss-120b / vllm: ") + goal));
  }
  // Five gpt-oss-120b rows on TRT-LLM are fewer than the ten a goal needs: reported, not judged.
  CHECK_THAT(summary, Contains("gpt-oss-120b / trtllm                0     5"));
  CHECK_FALSE(summary.find("goal: gpt-oss-120b / trtllm") != std::string::npos);
}
