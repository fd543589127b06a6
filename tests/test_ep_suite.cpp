// `moesim validate --suite ep`: the goals hold with the shipped DeepEP constants, the shipped
// constants are the fit of the fit rows, the fit recovers known constants, the knee rule, and
// bad tables are ConfigErrors naming file, line and column.

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "cli/validation/deepep_fit.h"
#include "cli/validation/deepep_tables.h"
#include "cli/validation/ep_suite.h"
#include "sim/config_error.h"
#include "support/machines.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"

using Catch::Matchers::Contains;
using moesim::DeepEpModel;
using moesim::EpFamily;
using moesim::EpFitPoint;
using moesim::EpKernel;
using moesim::test::read_text;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const moesim::HardwareCatalogue& catalogue() {
  return moesim::test::shipped_catalogue();
}

}  // namespace

TEST_CASE("the shipped DeepEP constants are the fit of the fit rows", "[deepep][ep_validation]") {
  const auto dir = source_path("topologies/catalogue");
  for (const auto& table : moesim::ep_tables()) {
    const DeepEpModel model = DeepEpModel::load(dir, table.gpu, catalogue());
    const auto rows = moesim::read_deepep_table(
        source_path("topologies/measured/deepep") / table.file, table.family);
    const bool normal = table.family == EpFamily::normal;
    size_t fit_rows = 0;
    for (const auto& r : rows) fit_rows += r.fit_row ? 1 : 0;
    CHECK(fit_rows == (normal ? 690u : 55u));  // 5 of 18-19 shapes x 138; 5 shapes x 11
    for (const EpKernel kernel : {EpKernel::dispatch, EpKernel::combine}) {
      const auto& c = normal ? (kernel == EpKernel::dispatch ? model.constants().normal_dispatch
                                                             : model.constants().normal_combine)
                             : (kernel == EpKernel::dispatch ? model.constants().ll_dispatch
                                                             : model.constants().ll_combine);
      const moesim::EpFit fit = moesim::fit_ep_kernel(
          moesim::fit_points(rows, table.family, kernel, model.constants().device_sms), normal,
          normal, model.constants().nvlink_bandwidth);
      INFO(table.file << " " << moesim::to_string(kernel));
      // deepep.yaml keeps 2 decimals of us and GB/s, 3 of the efficiency and of ns per hidden
      // element, 1 of ns per token.
      CHECK(c.latency_us == Approx(fit.constants.latency_us).margin(0.006));
      CHECK(c.latency_per_hidden_us * 1e3 ==
            Approx(fit.constants.latency_per_hidden_us * 1e3).margin(6e-4));
      CHECK(c.per_token_us * 1e3 == Approx(fit.constants.per_token_us * 1e3).margin(0.06));
      CHECK(c.sm_rate * 1e-9 == Approx(fit.constants.sm_rate * 1e-9).margin(0.006));
      CHECK(c.link_efficiency == Approx(fit.constants.link_efficiency).margin(6e-4));
      CHECK(fit.median_abs < 0.15);
    }
  }
}

TEST_CASE("the DeepEP fit recovers known constants", "[deepep][ep_validation]") {
  // Synthetic rows: latency 20 us + 2 ns x hidden; per SM 0.5 us per token and 16 GB/s; the
  // link at 300 GB/s of 500 GB/s. Tokens and bytes per token vary apart.
  const double link = 300e9, rate = 16e9, per_token_us = 0.5;
  std::vector<EpFitPoint> points;
  for (const double hidden : {2048.0, 7168.0}) {
    for (const double tokens : {10.0, 1e3, 1e5}) {
      for (const double bytes_per_token : {2e3, 3e4}) {
        const double bytes = tokens * bytes_per_token;
        for (uint32_t sms = 4; sms <= 32; sms += 4) {
          const double us =
              20 + 2e-3 * hidden +
              std::max((tokens * per_token_us + bytes / rate * 1e6) / sms, bytes / link * 1e6);
          points.push_back({us, bytes, tokens, hidden, sms});
        }
      }
    }
  }
  const moesim::EpFit fit = moesim::fit_ep_kernel(points, true, true, 500e9);
  CHECK(fit.constants.latency_us == Approx(20).epsilon(0.01));
  CHECK(fit.constants.latency_per_hidden_us == Approx(2e-3).epsilon(0.01));
  CHECK(fit.constants.per_token_us == Approx(per_token_us).epsilon(0.01));
  CHECK(fit.constants.sm_rate == Approx(rate).epsilon(0.01));
  CHECK(fit.constants.link_efficiency == Approx(0.6).epsilon(0.01));
  CHECK(fit.median_abs < 1e-3);
  // Held at 0, the per-hidden and per-token terms stay 0 and the fit is worse.
  const moesim::EpFit held = moesim::fit_ep_kernel(points, false, false, 500e9);
  CHECK(held.constants.latency_per_hidden_us == 0);
  CHECK(held.constants.per_token_us == 0);
  CHECK(held.median_abs > 0.01);
}

TEST_CASE("the SM-budget knee is where more SMs stop paying", "[deepep][ep_validation]") {
  using moesim::sm_budget_knee;
  const std::vector<uint32_t> sms{4, 8, 12, 16};
  CHECK(sm_budget_knee(sms, {400, 200, 199, 198}) == 8);
  CHECK(sm_budget_knee(sms, {400, 200, 150, 120}) == 16);  // never flat: the last budget
  CHECK(sm_budget_knee(sms, {100, 99, 98, 97}) == 4);
  // A later drop counts: 12 is not the knee when 16 is still 10% faster.
  CHECK(sm_budget_knee(sms, {400, 200, 199, 180}) == 16);
}

TEST_CASE("a malformed DeepEP table is a ConfigError naming file, line and column",
          "[deepep][ep_validation]") {
  TempDir dir("deepep-table");
  const std::string header =
      "framework,version,device,op_name,kernel_source,node_num,hidden_size,num_token,num_topk,"
      "num_experts,dispatch_sms,dispatch_transmit_us,dispatch_notify_us,combine_sms,"
      "combine_transmit_us,combine_notify_us\n";
  const std::string good =
      "sglang,0.5.12,H100,normal,deepep,1,2048,1,8,128,4,25.3,0.0,4,29.9,0.0\n";
  const auto error = [&](const std::string& row) -> std::string {
    write_text(dir / "t.csv", header + good + row);
    try {
      moesim::read_deepep_table(dir / "t.csv", EpFamily::normal);
    } catch (const moesim::ConfigError& e) {
      return e.what();
    }
    FAIL("the table was read, but a ConfigError was expected");
    return {};
  };
  CHECK_THAT(error("sglang,0.5.12,H100,normal,deepep,1,2048,x,8,128,4,25.3,0.0,4,29.9,0.0\n"),
             Contains("t.csv:3") && Contains("num_token"));
  CHECK_THAT(error("sglang,0.5.12,H100,normal,deepep,1,2048,1,8,128,4,25.3,0.0,8,29.9,0.0\n"),
             Contains("t.csv:3: combine_sms"));
  CHECK_THAT(error("sglang,0.5.12,H100,normal,deepep,1,2048,1,8,100,4,25.3,0.0,4,29.9,0.0\n"),
             Contains("t.csv:3: num_experts"));
  CHECK_THAT(error("sglang,0.5.12,H100,normal,deepep,1,2048,1,8,128,4,-1,0.0,4,29.9,0.0\n"),
             Contains("t.csv:3: dispatch_transmit_us"));
  CHECK_THAT(error("sglang,0.5.12,H100,normal,deepep,2,2048,1,8,128,4,25.3,0.0,4,29.9,0.0\n"),
             Contains("t.csv:3: node_num"));
  write_text(dir / "t.csv", header + good);
  CHECK(moesim::read_deepep_table(dir / "t.csv", EpFamily::normal).size() == 1);
}

TEST_CASE("moesim validate --suite ep meets its goals and reports every check row",
          "[deepep][ep_validation]") {
  TempDir dir("ep-validation");
  const auto r =
      moesim::test::run_cli({"validate", "--suite", "ep", "--out", (dir.path() / "ep").string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("goals met: 7 of 7"));
  const std::string csv = read_text(dir.path() / "ep" / "validation.csv");
  const auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = csv.find(needle); at != std::string::npos; at = csv.find(needle, at + 1)) ++n;
    return n;
  };
  // Check rows only, both kernels: (2484 - 690) H100 and (2622 - 690) GB200 normal rows,
  // (176 - 55) per low-latency table.
  CHECK(count("h100_sxm/normal/dispatch/") == 1794 + 13);  // + one knee row per check shape
  CHECK(count("gb200/normal/combine/") == 1932 + 14);
  CHECK(count("h100_sxm/ll/dispatch/") == 121);
  CHECK(count("gb200/ll/combine/") == 121);
  CHECK(count("normal/dispatch/h7168/k8/e256/") == 0);  // normal fit shapes
  CHECK(count("normal/combine/h2048/k8/e256/") == 0);
  CHECK(count("/ll/dispatch/h4096/") == 0);  // low-latency fit rows
  CHECK(count(",knee_sms,") == 2 * (13 + 14));
  CHECK(count("published/h800/") == 18);
  CHECK_THAT(r.out, Contains("target 4, power_law_1.2 / balanced at EP8"));
}
