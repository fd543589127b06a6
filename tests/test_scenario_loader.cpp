// Scenario loading: values and units land in ScenarioConfig, and every kind of bad input is a
// ConfigError of one line "file:line: key.path: what was expected".

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/app/resolved_config.h"
#include "cli/app/run_report.h"
#include "cli/app/scenario_loader.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::ConfigError;
using moesim::ScenarioConfig;
using moesim::test::line_of;
using moesim::test::replace_once;
using moesim::test::TempDir;

namespace {

const std::string& quickstart() {
  static const std::string text =
      moesim::test::read_text(moesim::test::source_path("scenarios/quickstart.yaml"));
  return text;
}

/// Loads `text` from a file and returns the ConfigError message, failing if it loads.
std::string load_error(const std::string& text) {
  TempDir dir("loader");
  const auto file = dir / "scenario.yaml";
  moesim::test::write_text(file, text);
  try {
    moesim::load_scenario(file.string(), moesim::builtin_strategies());
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    // The message names the file it came from and is one line.
    CHECK_THAT(message, StartsWith(file.string() + ":"));
    CHECK(message.find('\n') == std::string::npos);
    return message.substr(file.string().size());  // ":line: key: ..."
  }
  FAIL("the scenario loaded, but a ConfigError was expected");
  return {};
}

ScenarioConfig load_text(const std::string& text) {
  TempDir dir("loader");
  moesim::test::write_text(dir / "scenario.yaml", text);
  return moesim::load_scenario((dir / "scenario.yaml").string(), moesim::builtin_strategies());
}

}  // namespace

TEST_CASE("quickstart loads with its units converted", "[scenario_loader]") {
  const ScenarioConfig c = load_text(quickstart());
  CHECK(c.name == "quickstart");
  CHECK(c.seed == 1);
  // Mixtral-8x7B layer: hidden 4096, FFN 14336, 8 experts, top-2, bf16.
  CHECK(c.model.hidden_size == 4096);
  CHECK(c.model.expert_ffn_size == 14336);
  CHECK(c.model.num_experts == 8);
  CHECK(c.model.top_k == 2);
  CHECK(c.model.dtype == moesim::Dtype::kBf16);
  // H100-SXM from the catalogue: 989 TFLOP/s dense bf16 (the model's dtype), 3.35 TB/s.
  CHECK(c.gpu.name == "H100-SXM");
  CHECK(c.gpu.peak_flops == Approx(989e12));
  CHECK(c.gpu.memory_bandwidth == Approx(3.35e12));
  // An 8-GPU hgx node; its NVLink 4 is 450 GB/s per direction, 235 ns per link.
  CHECK(c.system.builder == "hgx");
  CHECK(c.system.gpus == 8);
  CHECK(c.hardware.link("nvlink4").bandwidth == Approx(450e9));
  CHECK(c.hardware.link("nvlink4").latency == moesim::Time::ps(235'000));
  CHECK(c.tokens == 4096);
  CHECK(c.routing.name == "uniform");
  CHECK(c.placement.name == "contiguous");
}

TEST_CASE("a misspelt key names file, line, key path and the likely intended key",
          "[scenario_loader]") {
  const std::string text = replace_once(quickstart(), "  hidden_size:", "  hiden_size:");
  const int line = line_of(text, "hiden_size");
  CHECK_THAT(load_error(text), StartsWith(fmt::format(":{}: model.hiden_size: unknown key", line)));
  CHECK_THAT(load_error(text), Contains("did you mean 'hidden_size'?"));
}

TEST_CASE("a misspelt optional key is reported, not silently ignored", "[scenario_loader]") {
  const std::string text = replace_once(quickstart(), "seed: 1 ", "sed: 1 ");
  CHECK_THAT(load_error(text),
             StartsWith(fmt::format(":{}: sed: unknown key (did you mean 'seed'?)",
                                    line_of(text, "sed: 1"))));
}

TEST_CASE("an unknown top-level section is rejected", "[scenario_loader]") {
  const std::string text = quickstart() + "\nextras:\n  foo: 1\n";
  CHECK_THAT(load_error(text),
             Contains(fmt::format(":{}: extras: unknown key", line_of(text, "extras:"))));
}

/// The quickstart with a GPU override block added under `hardware:`.
std::string with_override(const std::string& key, const std::string& value) {
  return replace_once(quickstart(), "  gpus: 8 ",
                      "  gpu_overrides:\n    " + key + ": " + value + "\n  gpus: 8 ");
}

TEST_CASE("a negative bandwidth is rejected at its key", "[scenario_loader]") {
  const std::string text = with_override("memory_bandwidth", "\"-3 TB/s\"");
  const std::string message = load_error(text);
  CHECK_THAT(message, StartsWith(fmt::format(":{}: hardware.gpu_overrides.memory_bandwidth:",
                                             line_of(text, "memory_bandwidth"))));
  CHECK_THAT(message, Contains("negative"));
  CHECK_THAT(message, Contains("\"-3 TB/s\""));
}

TEST_CASE("an unparsable unit is rejected with an example of what was expected",
          "[scenario_loader]") {
  const std::string text = replace_once(quickstart(), "\"0 us\"", "\"1 microfortnight\"");
  const std::string message = load_error(text);
  CHECK_THAT(message, StartsWith(fmt::format(":{}: strategies.cost_model.kernel_overhead:",
                                             line_of(text, "kernel_overhead"))));
  CHECK_THAT(message, Contains("unknown unit"));

  const std::string no_unit = with_override("peak_flops", "989");
  CHECK_THAT(load_error(no_unit),
             Contains("hardware.gpu_overrides.peak_flops: expected a compute rate"));
}

TEST_CASE("GPU overrides replace catalogue figures", "[scenario_loader]") {
  const ScenarioConfig c = load_text(with_override("memory_bandwidth", "\"2 TB/s\""));
  // "2 TB/s" = 2e12 B/s instead of the catalogue's 3.35e12; the peak stays the catalogue's.
  CHECK(c.gpu.memory_bandwidth == Approx(2e12));
  CHECK(c.gpu.peak_flops == Approx(989e12));
}

TEST_CASE("hardware names the catalogue, and bad machines are reported", "[scenario_loader]") {
  SECTION("an unknown GPU lists the catalogue") {
    const std::string text = replace_once(quickstart(), "gpu: H100-SXM", "gpu: H900");
    CHECK_THAT(load_error(text),
               Contains("hardware.gpu: unknown GPU \"H900\"") && Contains("H100-SXM"));
  }
  SECTION("a system from systems.yaml") {
    const std::string text =
        replace_once(quickstart(), "  builder: hgx ", "  system: h100_hgx\n  builder: hgx ");
    const ScenarioConfig c = load_text(text);
    CHECK(c.system.name == "h100_hgx");
    CHECK(c.system.switch_reduction);
  }
  SECTION("an unknown system") {
    const std::string text =
        replace_once(quickstart(), "  builder: hgx ", "  system: h900_hgx\n  builder: hgx ");
    CHECK_THAT(load_error(text), Contains("hardware.system: unknown system \"h900_hgx\""));
  }
  SECTION("a builder that cannot build the machine") {
    const std::string text = replace_once(quickstart(), "gpus: 8 ", "gpus: 7 ");
    CHECK_THAT(load_error(text), Contains(": hardware: hgx.gpus (7) must be a multiple"));
  }
  SECTION("a GPU without the model's dtype and no override") {
    const std::string text = replace_once(quickstart(), "dtype: bf16", "dtype: fp32");
    const std::string h800 = replace_once(text, "gpu: H100-SXM", "gpu: H800");
    CHECK_THAT(load_error(h800), Contains("hardware.gpu: the catalogue has no dense fp32 peak"));
  }
}

TEST_CASE("missing, mistyped and out-of-range values are rejected", "[scenario_loader]") {
  SECTION("missing required key names the section and the key") {
    const std::string text = replace_once(quickstart(), "  top_k: 2\n", "");
    CHECK_THAT(load_error(text), Contains("model: missing required key 'top_k'"));
  }
  SECTION("top_k above the number of experts") {
    const std::string text = replace_once(quickstart(), "top_k: 2", "top_k: 9");
    CHECK_THAT(load_error(text), Contains("model.top_k: must be between 1 and 8, got 9"));
  }
  SECTION("a list where a number belongs") {
    const std::string text = replace_once(quickstart(), "tokens: 4096", "tokens: [1, 2]");
    CHECK_THAT(load_error(text), Contains("workload.tokens: expected a single value"));
  }
  SECTION("a fraction where a whole number belongs") {
    const std::string text = replace_once(quickstart(), "gpus: 8", "gpus: 8.5");
    CHECK_THAT(load_error(text), Contains("hardware.gpus: expected a whole number"));
  }
  SECTION("zero GPUs") {
    const std::string text = replace_once(quickstart(), "gpus: 8", "gpus: 0");
    CHECK_THAT(load_error(text), Contains("hardware.gpus: must be between 1"));
  }
  SECTION("an efficiency above one") {
    const std::string text =
        replace_once(quickstart(), "compute_efficiency: 1.0", "compute_efficiency: 1.5");
    CHECK_THAT(load_error(text),
               Contains("strategies.cost_model.compute_efficiency: must be in (0, 1], got 1.5"));
  }
  SECTION("an unknown dtype") {
    const std::string text = replace_once(quickstart(), "dtype: bf16", "dtype: int3");
    CHECK_THAT(load_error(text), Contains("model.dtype: expected bf16, fp16, fp32 or fp8"));
  }
}

TEST_CASE("unknown strategy and builder names list the known ones", "[scenario_loader]") {
  const std::string placement =
      replace_once(quickstart(), "placement: contiguous", "placement: scattered");
  CHECK_THAT(load_error(placement),
             Contains("strategies.placement: unknown placement strategy \"scattered\" (known: "
                      "contiguous, round_robin, load_balanced, eplb, speculative_grouping)"));
  const std::string builder = replace_once(quickstart(), "builder: hgx", "builder: torus");
  CHECK_THAT(load_error(builder), Contains("hardware.builder: unknown topology builder"));
}

TEST_CASE("YAML syntax errors, duplicate keys and missing files are ConfigErrors",
          "[scenario_loader]") {
  const std::string broken = replace_once(quickstart(), "tokens: 4096", "tokens: [4096");
  CHECK_THAT(load_error(broken), Contains("YAML syntax error"));

  const std::string duplicate = replace_once(quickstart(), "seed: 1 ", "seed: 1\nseed: 2 ");
  CHECK_THAT(load_error(duplicate),
             StartsWith(fmt::format(":{}: seed: duplicate key", line_of(duplicate, "seed: 2"))));

  CHECK_THROWS_AS(moesim::load_scenario("/nonexistent/scenario.yaml", moesim::builtin_strategies()),
                  ConfigError);
  CHECK_THAT(load_error("- just\n- a list\n"), Contains("expected a mapping"));
}

TEST_CASE("the resolved configuration reloads to the same scenario", "[scenario_loader]") {
  const ScenarioConfig original = load_text(quickstart());
  const ScenarioConfig again = load_text(moesim::format_resolved_config(original));
  // Every value survives the round trip; quantities are written in base units.
  CHECK(again.name == original.name);
  CHECK(again.seed == original.seed);
  CHECK(again.model.hidden_size == original.model.hidden_size);
  CHECK(again.model.expert_ffn_size == original.model.expert_ffn_size);
  CHECK(again.model.top_k == original.model.top_k);
  CHECK(again.gpu.peak_flops == original.gpu.peak_flops);
  CHECK(again.gpu.memory_bandwidth == original.gpu.memory_bandwidth);
  CHECK(again.gpu.memory_capacity == original.gpu.memory_capacity);
  CHECK(again.system.builder == original.system.builder);
  CHECK(again.system.gpu == original.system.gpu);
  CHECK(again.system.gpus == original.system.gpus);
  CHECK(again.system.comm.protocols.size() == original.system.comm.protocols.size());
  CHECK(again.tokens == original.tokens);
  // Routing parameters round-trip too: tests/test_routing_scenarios.cpp, per generator.
  CHECK(again.routing.name == original.routing.name);
  CHECK(again.cost_model.params.formatted() == original.cost_model.params.formatted());
  CHECK(moesim::roofline_config(again.cost_model.params).kernel_overhead ==
        moesim::roofline_config(original.cost_model.params).kernel_overhead);
}

TEST_CASE("per-operator efficiencies load and an unknown operator is named", "[scenario_loader]") {
  const std::string with_expert = replace_once(
      quickstart(), "    kernel_overhead: \"0 us\"",
      "    kernel_overhead: \"0 us\"\n    per_operator:\n      expert: {compute_efficiency: 0.6}");
  const ScenarioConfig cfg = load_text(with_expert);
  const moesim::RooflineConfig roofline = moesim::roofline_config(cfg.cost_model.params);
  REQUIRE(roofline.per_operator.count(moesim::OpKind::kExpert) == 1);
  CHECK(roofline.per_operator.at(moesim::OpKind::kExpert).compute == 0.6);
  CHECK(roofline.per_operator.at(moesim::OpKind::kExpert).memory == 1.0);
  const std::string message =
      load_error(replace_once(with_expert, "      expert:", "      attention:"));
  CHECK_THAT(message, Contains("strategies.cost_model.per_operator.attention") &&
                          Contains("unknown key") && Contains("router, expert, combine"));
}

TEST_CASE("trace replay is refused outside a serving scenario", "[scenario_loader]") {
  const std::string message = load_error(replace_once(quickstart(), "  generator: uniform",
                                                      "  generator: trace\n  file: routing.mtr"));
  CHECK_THAT(message, Contains("routing.generator") && Contains("needs a serving scenario"));
}
