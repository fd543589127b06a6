// `moesim bound SCENARIO` and `moesim list bound`: the scenario's bound models evaluated
// without simulating (cli/bound_command.cpp), the scenario key `bounds:` choosing them, and
// one-line errors for a bad `bounds:` block.

#include <catch2/catch.hpp>

#include <string>

#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::line_of;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const std::string closed_loop_h100 =
    source_path("scenarios/serving/closed_loop_h100.yaml").string();

const char* const kBounds[] = {
    "serving_roofline", "moe_lens_stage1", "moe_lens_stage2", "hierarchical_roofline",
    "all_to_all",       "straggler",       "belady"};

/// closed_loop_h100.yaml (no relative paths in it) with `block` appended, written to `dir`.
std::string with_bounds(const TempDir& dir, const std::string& block) {
  std::string text = read_text(closed_loop_h100);
  REQUIRE(!text.empty());
  if (text.back() != '\n') text += '\n';
  const auto path = dir / "bounded.yaml";
  write_text(path, text + block);
  return path.string();
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("bound command: a GPU serving scenario gets the roofline, MoE-Lens does not apply",
          "[bounds][cli]") {
  const auto r = run_cli({"bound", closed_loop_h100});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Contains("bounds of scenario 'closed_loop_h100' (1 x H100-SXM, serving)"));
  CHECK_THAT(r.out, Contains("serving_roofline:\n"));
  // no bounds: block: every bound of the family, each with its report
  for (const char* name : kBounds) CHECK_THAT(r.out, Contains(std::string(name) + ":"));
  // the roofline names what binds (16 clients of 1024 + 128 tokens: HBM) and its bound
  const size_t roofline = r.out.find("serving_roofline:");
  const size_t next = r.out.find("\n\n", roofline);
  const std::string block = r.out.substr(roofline, next - roofline);
  CHECK_THAT(block, Contains("binds") && Contains("output tokens/s"));
  CHECK_THAT(block, Contains("decode batch at the bound                16"));
  // weights on the GPU: MoE-Lens (weights streamed from host memory) does not apply
  CHECK_THAT(r.out, Contains("moe_lens_stage1: not applicable: weights are in GPU memory"));
  CHECK_THAT(r.out, Contains("moe_lens_stage2: not applicable"));
}

TEST_CASE("bound command: the MoE-Lens study gets both MoE-Lens stages", "[bounds][cli]") {
  const auto r = run_cli({"bound", source_path("scenarios/studies/moe_lens_bound.yaml").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("(1 x A40, serving)"));
  CHECK_THAT(r.out, Contains("moe_lens_stage1:\n"));
  CHECK_THAT(r.out, Contains("PME (exact sum)"));
  CHECK_THAT(r.out, Contains("moe_lens_stage2:\n"));
  CHECK_THAT(r.out, Contains("saturation tokens n_real"));
  CHECK_THAT(r.out, !Contains("moe_lens_stage1: not applicable"));
  CHECK_THAT(r.out, !Contains("moe_lens_stage2: not applicable"));
  // stage 1 and stage 2 each bound the tokens/s, prompt and output together
  CHECK(count_of(r.out, "tokens/s (prompt + output)") == 2);
}

TEST_CASE("bound command: list bound names the seven bounds", "[bounds][cli]") {
  const auto r = run_cli({"list", "bound"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("bound:"));
  // each bound starts a line, indented by two spaces, its name then its description
  for (const char* name : kBounds) CHECK_THAT(r.out, Contains(std::string("\n  ") + name + " "));
}

TEST_CASE("bound command: a bounds block chooses the bounds and their parameters",
          "[bounds][cli]") {
  TempDir dir("bound-block");
  const auto r = run_cli({"bound", with_bounds(dir, "bounds: {belady: {capacity: 2}}\n")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("belady:\n"));
  // 2 of Qwen3-30B-A3B's 128 experts per layer
  CHECK_THAT(r.out, Contains("experts cached per layer                 2 of 128"));
  for (const char* name : kBounds) {
    if (std::string(name) != "belady") {
      CHECK_THAT(r.out, !Contains(std::string(name) + ":"));
    }
  }
  // a bound named with nothing takes its defaults: half of 128 experts
  const auto defaults = run_cli({"bound", with_bounds(dir, "bounds:\n  belady:\n")});
  REQUIRE(defaults.exit_code == 0);
  CHECK_THAT(defaults.out, Contains("64 of 128"));
  CHECK_THAT(defaults.out, !Contains("serving_roofline:"));
}

TEST_CASE("bound command: a bad bounds block exits 2 naming its file, line and key",
          "[bounds][cli]") {
  TempDir dir("bound-errors");
  struct Bad {
    std::string block;
    std::string key;      ///< the key path the error names
    std::string on_line;  ///< text of the line it points to
    std::string why;
  };
  const Bad cases[] = {
      {"bounds:\n  oracle: null\n", "bounds.oracle", "oracle: null", "unknown bound strategy"},
      {"bounds:\n  belady:\n    capacityy: 2\n", "bounds.belady.capacityy", "capacityy: 2",
       "unknown key"},
      {"bounds:\n  belady:\n    capacity: 70000\n", "bounds.belady.capacity", "capacity: 70000",
       "between 0 and 65536"},
      // Qwen3-30B-A3B has 128 experts a layer.
      {"bounds:\n  belady:\n    capacity: 200\n", "bounds.belady.capacity", "capacity: 200",
       "a layer has 128 experts"},
      {"bounds:\n  serving_roofline:\n    x: 1\n", "bounds.serving_roofline.x", "x: 1",
       "takes no parameters"},
  };
  for (const Bad& bad : cases) {
    INFO(bad.block);
    const std::string path = with_bounds(dir, bad.block);
    const int line = line_of(read_text(path), bad.on_line);
    const auto r = run_cli({"bound", path});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(count_of(r.err, "\n") == 1);  // one line
    CHECK_THAT(r.err, Contains(path + ":" + std::to_string(line) + ": " + bad.key + ":"));
    CHECK_THAT(r.err, Contains(bad.why));
  }
}

TEST_CASE("bound command: --set reaches the workload and the bounds block", "[bounds][cli]") {
  // 4 clients: at most 4 sequences decode together (16 in the file)
  const auto four =
      run_cli({"bound", closed_loop_h100, "--set", "workload.closed_loop.concurrency=4"});
  INFO(four.err);
  REQUIRE(four.exit_code == 0);
  CHECK_THAT(four.out, Contains("decode batch at the bound                4\n"));
  // a bounds block made by --set alone: only belady, 3 of 128 experts
  const auto belady = run_cli({"bound", closed_loop_h100, "--set", "bounds.belady.capacity=3"});
  INFO(belady.err);
  REQUIRE(belady.exit_code == 0);
  CHECK_THAT(belady.out, Contains("3 of 128"));
  CHECK_THAT(belady.out, !Contains("serving_roofline"));
  // an override out of range: exit 2 naming the --set
  const auto zero =
      run_cli({"bound", closed_loop_h100, "--set", "workload.closed_loop.concurrency=0"});
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.err, Contains("--set workload.closed_loop.concurrency=0"));
}

TEST_CASE("bound command: a layer scenario serves no requests", "[bounds][cli]") {
  const auto r = run_cli({"bound", source_path("scenarios/quickstart.yaml").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("bounds of scenario 'quickstart' (8 x H100-SXM, one MoE layer)"));
  CHECK_THAT(r.out, Contains("serving_roofline: not applicable: a layer scenario"));
  // 8 experts on 8 GPUs: the dispatch and straggler bounds apply; half of 8 experts cached
  CHECK_THAT(r.out, Contains("all_to_all:\n") && Contains("straggler:\n"));
  CHECK_THAT(r.out, Contains("4 of 8"));
}
