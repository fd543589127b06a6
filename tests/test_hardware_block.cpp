// The scenario `hardware:` block beyond the quickstart: explicit graphs, multi-node fabrics and
// their errors, each a ConfigError naming file, line and key.

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::replace_once;
using moesim::test::TempDir;

namespace {

const std::string& ring() {
  static const std::string text =
      moesim::test::read_text(moesim::test::source_path("scenarios/explicit_ring.yaml"));
  return text;
}

moesim::ScenarioConfig load_text(const std::string& text) {
  TempDir dir("hardware");
  moesim::test::write_text(dir / "s.yaml", text);
  return moesim::load_scenario((dir / "s.yaml").string(), moesim::builtin_strategies());
}

std::string load_error(const std::string& text) {
  try {
    load_text(text);
  } catch (const moesim::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("an explicit graph loads with catalogue and inline links", "[hardware_block]") {
  const moesim::ScenarioConfig c = load_text(ring());
  REQUIRE(c.system.explicit_graph.nodes.size() == 4);
  REQUIRE(c.system.explicit_graph.links.size() == 4);
  // nvlink_bridge_ga102: 56.25 GB/s per direction, 3 us; class from the link kind.
  const auto& first = c.system.explicit_graph.links[0];
  CHECK(first.bandwidth == Approx(56.25e9));
  CHECK(first.latency == moesim::Time::us(3));
  CHECK(first.link_class == "nvlink");
  CHECK(first.duplex);
}

TEST_CASE("explicit graph errors name the element", "[hardware_block]") {
  SECTION("a link to a node that does not exist") {
    const std::string text =
        replace_once(ring(), "{from: gpu2, to: gpu3,", "{from: gpu2, to: gpu9,");
    CHECK_THAT(load_error(text), Contains(": hardware: ") && Contains("gpu9"));
  }
  SECTION("a link with neither a catalogue link nor a bandwidth") {
    const std::string text = replace_once(ring(), "bandwidth: \"56.25 GB/s\", ", "");
    CHECK_THAT(load_error(text),
               Contains("hardware.graph.links[3]: give a catalogue 'link' or a 'bandwidth'"));
  }
  SECTION("an unknown node kind") {
    const std::string text =
        replace_once(ring(), "{name: gpu3, kind: gpu}", "{name: gpu3, kind: tpu}");
    CHECK_THAT(load_error(text),
               Contains("hardware.graph.nodes[3].kind: expected gpu, cpu, nic, switch or memory"));
  }
  SECTION("a misspelt key inside a link") {
    const std::string text = replace_once(ring(), "latency: \"3 us\"", "latncy: \"3 us\"");
    CHECK_THAT(load_error(text), Contains("hardware.graph.links[3].latncy: unknown key"));
  }
  SECTION("a graph without the explicit builder, and the builder without a graph") {
    const std::string other = replace_once(ring(), "builder: explicit", "builder: hgx");
    CHECK_THAT(load_error(other),
               Contains("hardware.graph: only the explicit builder takes a graph"));
    const std::string bare =
        ring().substr(0, ring().find("  graph:")) + "\nworkload:\n  tokens: 8\nrouting: {}\n";
    CHECK_THAT(load_error(bare), Contains("the explicit builder needs a 'graph'"));
  }
}

TEST_CASE("multi-node fabrics load and check their parameters", "[hardware_block]") {
  const std::string two_node =
      moesim::test::read_text(moesim::test::source_path("scenarios/two_node_fat_tree.yaml"));
  const moesim::ScenarioConfig c = load_text(two_node);
  // 2 nodes of 8 GPUs: 16 ranks on a 2:1 fat tree.
  CHECK(c.system.nodes == 2);
  CHECK(c.system.fabric == "fat_tree");
  CHECK(c.system.oversubscription == 2.0);
  const std::string bad_fabric = replace_once(two_node, "fabric: fat_tree", "fabric: torus");
  CHECK_THAT(load_error(bad_fabric), Contains("hardware.fabric: expected rail or fat_tree"));
  const std::string under = replace_once(two_node, "oversubscription: 2", "oversubscription: 0.5");
  CHECK_THAT(load_error(under), Contains("hardware.oversubscription: must be between 1"));
  const std::string bad_nic =
      replace_once(two_node, "nic_link: infiniband_ndr", "nic_link: carrier_pigeon");
  CHECK_THAT(load_error(bad_nic), Contains("hardware.nic_link: unknown link \"carrier_pigeon\""));
  // 10 million GPUs: 1,250,000 nodes are beyond the key's range; 65,536 nodes of 160 GPUs are
  // within the ranges but not the GPU total. Both name the key, before anything is built.
  const std::string huge = replace_once(two_node, "nodes: 2", "nodes: 1250000");
  CHECK_THAT(load_error(huge), Contains("hardware.nodes: must be between 1 and 65536"));
  const std::string wide =
      replace_once(replace_once(two_node, "nodes: 2", "nodes: 65536"), "gpus: 8 ", "gpus: 160 ");
  CHECK_THAT(load_error(wide), Contains(":19: hardware.nodes: expected at most 1048576 GPUs in "
                                        "all (nodes x gpus), got 10485760 (65536 x 160)"));
}

TEST_CASE("link overrides change a catalogue link for one scenario", "[hardware_block]") {
  const std::string quickstart =
      moesim::test::read_text(moesim::test::source_path("scenarios/quickstart.yaml"));
  const std::string text =
      replace_once(quickstart, "  gpus: 8 ",
                   "  link_overrides:\n    nvlink4: {bandwidth: \"200 GB/s\"}\n  gpus: 8 ");
  const moesim::ScenarioConfig c = load_text(text);
  // nvlink4 at 200 GB/s instead of 450; its latency stays the catalogue's 235 ns.
  CHECK(c.hardware.link("nvlink4").bandwidth == Approx(200e9));
  CHECK(c.hardware.link("nvlink4").latency == moesim::Time::ps(235'000));
  const std::string unknown =
      replace_once(quickstart, "  gpus: 8 ",
                   "  link_overrides:\n    nvlink9: {bandwidth: \"1 GB/s\"}\n  gpus: 8 ");
  CHECK_THAT(load_error(unknown), Contains("hardware.link_overrides.nvlink9: unknown link"));
}
