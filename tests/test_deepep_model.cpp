// The DeepEP kernel time model: bytes from the routing shape, monotonic in tokens and SMs and
// flat past the SM-budget knee, the internode NIC term, and ConfigErrors for a bad deepep.yaml.

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/comm/deepep_model.h"
#include "sim/config_error.h"
#include "support/machines.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"
#include "traces/csv_table.h"

using Catch::Matchers::Contains;
using moesim::DeepEpModel;
using moesim::EpCopies;
using moesim::EpShape;
using moesim::EpTraffic;
using moesim::test::replace_once;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const moesim::HardwareCatalogue& catalogue() {
  return moesim::test::shipped_catalogue();
}

const DeepEpModel& h100() {
  static const DeepEpModel m =
      DeepEpModel::load(source_path("topologies/catalogue"), "H100-SXM", catalogue());
  return m;
}

EpTraffic dispatch_traffic(uint64_t tokens, uint32_t ranks = 8, uint32_t nodes = 1) {
  const EpShape shape{tokens, 7168, 8, 256, ranks, nodes};
  return DeepEpModel::uniform_traffic(shape, DeepEpModel::fp8_token_bytes(7168),
                                      EpCopies::per_rank);
}

}  // namespace

TEST_CASE("DeepEP bytes follow the routing shape", "[deepep]") {
  // FP8 with one fp32 scale per 128 elements; BF16; DeepEP's low-latency message header.
  CHECK(DeepEpModel::fp8_token_bytes(7168) == 7168 + 56 * 4);
  CHECK(DeepEpModel::bf16_token_bytes(7168) == 14336);
  CHECK(DeepEpModel::ll_dispatch_message_bytes(7168) == 7392 + 16);
  // Distinct destination ranks: with one expert per rank every choice is a new rank; top-1
  // reaches one rank; choosing every expert reaches every rank.
  CHECK(DeepEpModel::expected_distinct_groups(8, 2, 8) == Approx(2.0));
  CHECK(DeepEpModel::expected_distinct_groups(16, 1, 8) == Approx(1.0));
  CHECK(DeepEpModel::expected_distinct_groups(16, 16, 8) == Approx(8.0));
  // Top-8 of 256 over 8 ranks: 8 x (1 - C(224, 8) / C(256, 8)).
  double miss = 1;
  for (int i = 0; i < 8; ++i) miss *= (224.0 - i) / (256.0 - i);
  CHECK(DeepEpModel::expected_distinct_groups(256, 8, 8) == Approx(8 * (1 - miss)));
  CHECK_THROWS(DeepEpModel::expected_distinct_groups(100, 8, 8));  // 8 does not divide 100

  const EpTraffic t = dispatch_traffic(4096);
  CHECK(t.send_bytes == Approx(4096 * 8 * (1 - miss) * 7392.0));
  CHECK(t.recv_bytes == t.send_bytes);
  CHECK(t.nic_bytes == 0);
  // Two nodes: a token crosses the NIC once per remote node it reaches.
  const EpTraffic two = dispatch_traffic(4096, 16, 2);
  double node_miss = 1;
  for (int i = 0; i < 8; ++i) node_miss *= (128.0 - i) / (256.0 - i);
  CHECK(two.nic_bytes == Approx(4096 * 2 * (1 - node_miss) * 0.5 * 7392.0));
  // Low-latency kernels send a copy per chosen expert.
  const EpTraffic ll = DeepEpModel::uniform_traffic({128, 7168, 8, 256, 32, 4},
                                                    DeepEpModel::ll_dispatch_message_bytes(7168),
                                                    EpCopies::per_expert);
  CHECK(ll.send_bytes == Approx(128 * 8 * 7408.0));
  CHECK(ll.nic_bytes == Approx(ll.send_bytes * 0.75));
}

TEST_CASE("DeepEP's own low-latency bandwidth column is the model's bytes over the time",
          "[deepep]") {
  // The measured tables print DeepEP's GB/s; bytes = GB/s x time must be our per-expert count.
  for (const char* gpu : {"h100_sxm", "gb200"}) {
    const auto t =
        moesim::CsvTable::read(source_path(std::string("topologies/measured/deepep/") + gpu +
                                           "_comm_sglang_0.5.12_wideep_deepep_ll_perf.csv"));
    REQUIRE(t.rows() == 176);
    for (size_t r = 0; r < t.rows(); ++r) {
      const auto n = [&](const char* col) { return t.number(r, t.column(col)); };
      const auto hidden = static_cast<uint32_t>(n("hidden_size"));
      const double copies = n("num_token") * n("num_topk");
      INFO(gpu << " line " << t.line_of(r));
      CHECK(n("dispatch_bandwidth_gbps") * n("dispatch_avg_t_us") * 1e3 ==
            Approx(copies * DeepEpModel::ll_dispatch_message_bytes(hidden)).epsilon(1e-9));
      CHECK(n("combine_bandwidth_gbps") * n("combine_avg_t_us") * 1e3 ==
            Approx(copies * DeepEpModel::bf16_token_bytes(hidden)).epsilon(1e-9));
    }
  }
}

TEST_CASE("DeepEP times grow with tokens and fall with SMs until the knee then stay flat",
          "[deepep]") {
  const DeepEpModel& m = h100();
  const auto& c = m.constants();
  double previous = 0;
  for (uint64_t tokens = 1; tokens <= 131072; tokens *= 2) {
    const double t = m.normal_dispatch_us(dispatch_traffic(tokens), 16);
    CHECK(t >= previous);
    previous = t;
  }
  CHECK(previous > 100 * m.normal_dispatch_us(dispatch_traffic(1), 16));  // bytes dominate
  const EpTraffic big = dispatch_traffic(16384);
  for (const bool dispatch : {true, false}) {
    const auto& k = dispatch ? c.normal_dispatch : c.normal_combine;
    // The SMs' time (tokens x per_token + bytes / r) / S meets the link's bytes / (e x W).
    const double link_rate = k.link_efficiency * c.nvlink_bandwidth;
    const double knee = (big.tokens * k.per_token_us * 1e-6 + big.send_bytes / k.sm_rate) *
                        link_rate / big.send_bytes;
    INFO("knee " << knee);
    REQUIRE(knee > 4);
    REQUIRE(knee < 64);
    const auto time = [&](uint32_t sms) {
      return dispatch ? m.normal_dispatch_us(big, sms) : m.normal_combine_us(big, sms);
    };
    for (uint32_t s = 1; s < 64; ++s) {
      if (s + 1 <= knee) {
        CHECK(time(s + 1) < time(s));  // below the knee every SM helps
      } else {
        CHECK(time(s + 1) <= time(s));
      }
      if (s >= knee) CHECK(time(s) == Approx(time(64)));  // past the knee the link limits
    }
  }
  // Low-latency: few experts launch few SMs, so they move the same bytes more slowly.
  CHECK(DeepEpModel::low_latency_sms(8, 132) == 8);
  CHECK(DeepEpModel::low_latency_sms(256, 132) == 128);
  CHECK(DeepEpModel::low_latency_sms(160, 132) == 80);
  const auto ll = [&](uint32_t experts, uint64_t tokens) {
    return m.low_latency_dispatch_us(DeepEpModel::uniform_traffic(
        {tokens, 4096, 2, experts, 8, 1}, DeepEpModel::ll_dispatch_message_bytes(4096),
        EpCopies::per_expert));
  };
  CHECK(ll(8, 1024) > ll(128, 1024));
  CHECK(ll(8, 1024) > ll(8, 512));
  CHECK(ll(128, 1) == Approx(c.ll_dispatch.latency_us).epsilon(0.05));
}

TEST_CASE("internode DeepEP traffic is bounded by the NIC", "[deepep]") {
  const DeepEpModel& m = h100();
  const EpTraffic t = dispatch_traffic(4096, 64, 8);
  REQUIRE(t.nic_bytes > 0);
  const double nic_us = t.nic_bytes / m.constants().nic_bandwidth * 1e6;
  CHECK(m.normal_dispatch_us(t, 24) >= nic_us);
  // With the NVLink side unlimited the time is the latency plus the NIC time.
  EpTraffic nic_only = t;
  nic_only.send_bytes = nic_only.recv_bytes = 0;
  const auto& k = m.constants().normal_dispatch;
  CHECK(m.normal_dispatch_us(nic_only, 24) ==
        Approx(k.latency_us + k.latency_per_hidden_us * 7168 + nic_us));
  CHECK(m.constants().nic_bandwidth == catalogue().link("infiniband_ndr").bandwidth);
  CHECK(m.constants().nvlink_bandwidth == catalogue().link("nvlink4").bandwidth);
}

TEST_CASE("a bad deepep.yaml is a ConfigError naming the file and the key", "[deepep]") {
  TempDir dir("deepep-catalogue");
  const std::string good =
      "H100-SXM:\n"
      "  device_sms: 132\n"
      "  nic_link: infiniband_ndr\n"
      "  source: x\n"
      "  normal:\n"
      "    fitted_on: x\n"
      "    dispatch: {latency: \"25 us\", latency_per_hidden: \"0 ns\", per_token: \"600 ns\", "
      "sm_rate: \"25 GB/s\", link_efficiency: 0.7}\n"
      "    combine: {latency: \"25 us\", latency_per_hidden: \"3 ns\", per_token: \"160 ns\", "
      "sm_rate: \"20 GB/s\", link_efficiency: 0.7}\n"
      "  low_latency:\n"
      "    fitted_on: x\n"
      "    dispatch: {latency: \"11 us\", sm_rate: \"4 GB/s\", link_efficiency: 0.6}\n"
      "    combine: {latency: \"11 us\", sm_rate: \"25 GB/s\", link_efficiency: 0.55}\n";
  const auto error = [&](const std::string& text, const std::string& gpu) -> std::string {
    write_text(dir / "deepep.yaml", text);
    try {
      DeepEpModel::load(dir.path(), gpu, catalogue());
    } catch (const moesim::ConfigError& e) {
      return e.what();
    }
    FAIL("deepep.yaml loaded, but a ConfigError was expected");
    return {};
  };
  write_text(dir / "deepep.yaml", good);
  const DeepEpModel loaded = DeepEpModel::load(dir.path(), "H100-SXM", catalogue());
  CHECK(loaded.constants().normal_dispatch.per_token_us == Approx(0.6));
  CHECK(loaded.constants().normal_combine.latency_per_hidden_us == Approx(3e-3));
  CHECK(loaded.constants().ll_combine.sm_rate == Approx(25e9));
  CHECK(loaded.constants().device_sms == 132);
  CHECK_THAT(error(good, "A100-SXM"),
             Contains("deepep.yaml: no DeepEP constants for GPU 'A100-SXM'"));
  CHECK_THAT(error(replace_once(good, "nic_link: infiniband_ndr", "nic_link: ib_ndr"), "H100-SXM"),
             Contains("deepep.yaml:3: H100-SXM.nic_link: unknown link \"ib_ndr\""));
  CHECK_THAT(
      error(replace_once(good, "link_efficiency: 0.6}", "link_efficiency: 1.5}"), "H100-SXM"),
      Contains("H100-SXM.low_latency.dispatch.link_efficiency"));
  CHECK_THAT(error(replace_once(good, "sm_rate: \"25 GB/s\", link_efficiency: 0.7}",
                                "link_efficiency: 0.7}"),
                   "H100-SXM"),
             Contains("deepep.yaml:7: H100-SXM.normal.dispatch: missing required key 'sm_rate'"));
  CHECK_THAT(error(replace_once(good, "latency: \"11 us\", sm_rate: \"4",
                                "latency: \"11 parsecs\", sm_rate: \"4"),
                   "H100-SXM"),
             Contains("H100-SXM.low_latency.dispatch.latency"));
  CHECK_THAT(error(replace_once(good, "  device_sms: 132\n", ""), "H100-SXM"),
             Contains("H100-SXM: missing required key 'device_sms'"));
  CHECK_THAT(error(replace_once(good, "  source: x\n", "  source: x\n  sauce: y\n"), "H100-SXM"),
             Contains("H100-SXM.sauce: unknown key"));
  const std::string l4 = replace_once(good, "H100-SXM:", "L4:");
  CHECK_THAT(error(l4, "L4"), Contains("scale_up_link: none"));
  CHECK_THAT(error(l4, "L4"), Contains("deepep.yaml"));
  // The shipped file loads for both GPUs it has.
  CHECK_NOTHROW(DeepEpModel::load(source_path("topologies/catalogue"), "GB200", catalogue()));
}
