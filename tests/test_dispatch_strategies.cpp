// Dispatch strategies (strategies.dispatch) on a layer's token matrix: bytes moved equal the
// matrix times the payload, combine returns every token to its source, skew raises the
// exchange time of the per-rank strategies, and on one switch a balanced all-to-allv takes the
// analytic time and the flow-level communicator's time.

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <numeric>
#include <vector>

#include "models/comm/communicator.h"
#include "models/comm/deepep_model.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/dispatch/dispatch_payload.h"
#include "models/strategies/dispatch/exchange_traffic.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/config_error.h"
#include "sim/max_min_network.h"
#include "support/machines.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_config.h"

namespace {

using moesim::BuiltSystem;
using moesim::EpFabric;
using moesim::ExchangeResult;
using moesim::StepTraffic;
using moesim::TokenMatrix;

using moesim::test::h100_nodes;

const moesim::HardwareCatalogue& catalogue() {
  return moesim::test::shipped_catalogue();
}

constexpr double kSwitchBandwidth = 100e9;  // bytes/s per GPU and direction
constexpr double kHopLatencyUs = 1.0;

BuiltSystem one_switch(uint32_t gpus) {
  moesim::SystemConfig c;
  c.builder = "single_switch";
  c.gpu = "H100-SXM";
  c.gpus = gpus;
  c.link_bandwidth = kSwitchBandwidth;
  c.hop_latency = moesim::Time::from_seconds_ceil(kHopLatencyUs * 1e-6);
  return moesim::build_system(c, catalogue());
}

/// The all-gather and reduce-scatter at a fixed rate, so tests see what the strategy asks for.
class TestMachine final : public moesim::ExchangeMachine {
 public:
  TestMachine(const BuiltSystem& system, uint32_t ranks, uint32_t per_node)
      : fabric_(system.topology, iota(ranks), per_node, moesim::CommCalibration{}) {}
  const EpFabric& fabric() const override { return fabric_; }
  double all_gather_us(double bytes) override { return bytes / 1e3; }
  double reduce_scatter_us(double bytes) override { return 2 * bytes / 1e3; }

 private:
  static std::vector<uint32_t> iota(uint32_t n) {
    std::vector<uint32_t> v(n);
    std::iota(v.begin(), v.end(), 0u);
    return v;
  }
  EpFabric fabric_;
};

moesim::MoeLayerShape shape() {
  moesim::MoeLayerShape s;
  s.hidden_size = 1024;
  s.num_experts = 64;
  s.top_k = 4;
  return s;
}

std::unique_ptr<moesim::DispatchStrategy> make(const std::string& name,
                                               const std::string& dispatch_dtype = "bf16",
                                               double accuracy = -1, uint32_t sms = 0) {
  static const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  static const moesim::MoeLayerShape model = shape();
  const moesim::StrategyInfo& info = catalog.dispatch.at(name).info;
  moesim::Params p(info.params);
  if (info.param("dispatch_dtype") != nullptr) p.set(*info.param("dispatch_dtype"), dispatch_dtype);
  if (accuracy >= 0) p.set(*info.param("accuracy"), accuracy);
  if (sms > 0) p.set(*info.param("sms"), uint64_t{sms});
  const moesim::DispatchContext context{&model, moesim::test::source_path("topologies/catalogue"),
                                        "H100-SXM", &catalogue()};
  return catalog.dispatch.make({name, p}, context);
}

/// `ranks` ranks on nodes of `per_node`, `tokens` tokens on each, every rank's experts
/// receiving `pairs[r]` pairs spread over its experts_per_rank experts.
TokenMatrix matrix(const std::vector<double>& pairs, double tokens, uint32_t per_node,
                   uint32_t experts_per_rank = 8) {
  const auto ranks = static_cast<uint32_t>(pairs.size());
  std::vector<double> source(ranks, tokens);
  std::vector<std::vector<uint64_t>> rank_expert(ranks);
  std::vector<uint32_t> node(ranks);
  for (uint32_t r = 0; r < ranks; ++r) {
    rank_expert[r].assign(experts_per_rank, static_cast<uint64_t>(pairs[r] / experts_per_rank));
    node[r] = r / per_node;
  }
  return TokenMatrix::build(source, rank_expert, node);
}

const char* const kStrategies[] = {
    "allgather_reducescatter", "all_to_allv",   "hierarchical",
    "speculative_shuffle",     "deepep_normal", "deepep_low_latency"};

}  // namespace

TEST_CASE("the token matrix counts each token once per rank and node", "[dispatch]") {
  // One expert per rank, top-1: a token reaches exactly the rank of its expert.
  const TokenMatrix m = matrix({100, 300, 200, 400}, 250, 2, 1);
  CHECK(m.total_tokens == 1000);
  for (uint32_t r = 0; r < 4; ++r) CHECK(m.rank_tokens[r] == Approx(m.pairs[r]));
  // Node tokens: at most the sum of its ranks' tokens, at least the busiest rank's.
  CHECK(m.node_tokens[0] <= m.rank_tokens[0] + m.rank_tokens[1]);
  CHECK(m.node_tokens[0] >= m.rank_tokens[1]);
  // Several experts per rank: fewer tokens than pairs (a token with two experts there once).
  const TokenMatrix wide = matrix({800, 800, 800, 800}, 200, 2, 8);
  CHECK(wide.rank_tokens[0] < wide.pairs[0]);
  CHECK(wide.rank_tokens[0] > wide.pairs[0] / 8);
  CHECK_THROWS_AS(TokenMatrix::build(std::vector<double>{1.0}, {}, std::vector<uint32_t>{0}),
                  std::invalid_argument);
}

TEST_CASE("a group is missed with the chance of k choices without replacement", "[dispatch]") {
  // Uniform: 1 - C(E - E_g, k) / C(E, k); top-8 of 256 experts, a rank of 32.
  double exact = 1.0;
  for (int i = 0; i < 8; ++i) exact *= (224.0 - i) / (256.0 - i);
  CHECK(TokenMatrix::miss_chance(32.0 / 256, 8, 256) == Approx(exact).epsilon(1e-12));
  CHECK(TokenMatrix::miss_chance(0.25, 1, 64) == Approx(0.75));
  CHECK(TokenMatrix::miss_chance(1.0, 8, 256) == 0.0);  // every choice falls in the group
  CHECK(TokenMatrix::miss_chance(0.0, 8, 256) == 1.0);
}

TEST_CASE("exchange traffic conserves bytes and combine returns what dispatch delivered",
          "[dispatch]") {
  const TokenMatrix m = matrix({400, 800, 1600, 800, 400, 400, 800, 800}, 300, 4);
  for (const auto traffic :
       {moesim::direct_traffic, moesim::internode_traffic, moesim::intranode_traffic}) {
    const StepTraffic t = traffic(m, 10.0);
    const auto sum = [](const std::vector<double>& v) {
      return std::accumulate(v.begin(), v.end(), 0.0);
    };
    CHECK(sum(t.intra_send) == Approx(sum(t.intra_recv)));
    CHECK(sum(t.inter_send) == Approx(sum(t.inter_recv)));
    const StepTraffic back = moesim::transposed(t);
    for (uint32_t r = 0; r < m.ranks(); ++r) {
      CHECK(back.intra_recv[r] == t.intra_send[r]);
      CHECK(back.inter_recv[r] == t.inter_send[r]);
    }
  }
}

TEST_CASE("bytes moved are the token matrix times the payload", "[dispatch]") {
  const BuiltSystem system = h100_nodes(2);
  TestMachine machine(system, 16, 8);
  std::vector<double> pairs(16, 800);
  pairs[3] = 2400;
  const TokenMatrix m = matrix(pairs, 200, 8);
  const double b = shape().hidden_size * 2.0;  // bf16 both ways
  double direct = 0, across = 0, node_across = 0;
  for (uint32_t s = 0; s < 16; ++s) {
    for (uint32_t d = 0; d < 16; ++d) {
      if (d == s) continue;
      direct += m.share(s) * m.rank_tokens[d] * b;
      if (d / 8 != s / 8) across += m.share(s) * m.rank_tokens[d] * b;
    }
    node_across += m.share(s) * m.node_tokens[1 - s / 8] * b;
  }
  const ExchangeResult flat = make("all_to_allv")->exchange(m, machine);
  CHECK(flat.bytes == Approx(2 * direct));
  CHECK(flat.bytes_across_nodes == Approx(2 * across));
  const ExchangeResult hier = make("hierarchical")->exchange(m, machine);
  CHECK(hier.bytes_across_nodes == Approx(2 * node_across));
  CHECK(hier.bytes_across_nodes < flat.bytes_across_nodes);  // one copy per node, not per rank
  const ExchangeResult gather = make("allgather_reducescatter")->exchange(m, machine);
  CHECK(gather.dispatch_us == Approx(m.total_tokens * b / 1e3));
  CHECK(gather.combine_us == Approx(2 * m.total_tokens * b / 1e3));
  CHECK(gather.bytes == Approx(2 * m.total_tokens * b * 15));
  // fp8 dispatch: 1 byte and a 4-byte scale per 128 elements instead of 2 bytes.
  const ExchangeResult fp8 = make("all_to_allv", "fp8")->exchange(m, machine);
  CHECK(fp8.bytes == Approx(direct * (1 + 4.0 / 128) / 2 + direct));
}

TEST_CASE("skewed routing raises the per-rank exchanges' time, not the all-gather's",
          "[dispatch]") {
  const BuiltSystem system = h100_nodes(2);
  TestMachine machine(system, 16, 8);
  const std::vector<double> balanced(16, 1000);
  std::vector<double> skewed(16, 800);
  skewed[5] = 1000 + 15 * 200;  // same pairs in all, one hot rank
  for (const char* name : kStrategies) {
    INFO(name);
    const auto strategy = make(name);
    const ExchangeResult even = strategy->exchange(matrix(balanced, 250, 8), machine);
    const ExchangeResult hot = strategy->exchange(matrix(skewed, 250, 8), machine);
    const std::string n = name;
    if (n == "allgather_reducescatter") {
      CHECK(hot.dispatch_us == even.dispatch_us);  // every rank receives every token anyway
    } else if (n == "deepep_normal" || n == "deepep_auto") {
      // Across nodes the hot rank's tokens land spread over its node's NICs; its own NVLink
      // and SM share still rises.
      CHECK(hot.dispatch_us > 1.05 * even.dispatch_us);
      CHECK(hot.combine_us > 1.05 * even.combine_us);
    } else {
      CHECK(hot.dispatch_us > 1.2 * even.dispatch_us);
      CHECK(hot.combine_us > 1.2 * even.combine_us);
    }
  }
}

TEST_CASE("speculative shuffling moves only mispredicted tokens", "[dispatch]") {
  const BuiltSystem system = h100_nodes(2);
  TestMachine machine(system, 16, 8);
  std::vector<double> pairs(16, 800);
  pairs[2] = 1600;
  const TokenMatrix m = matrix(pairs, 200, 8);
  const ExchangeResult plain = make("all_to_allv")->exchange(m, machine);
  // Accuracy 1: every correctly predicted token is already at its expert; nothing moves.
  const ExchangeResult perfect = make("speculative_shuffle", "bf16", 1.0)->exchange(m, machine);
  CHECK(perfect.dispatch_us == 0);
  CHECK(perfect.combine_us == 0);
  CHECK(perfect.bytes == 0);
  CHECK(perfect.bytes_saved == Approx(plain.bytes));
  // Accuracy 0: the correction exchange is plain dispatch, no cheaper.
  const ExchangeResult blind = make("speculative_shuffle", "bf16", 0.0)->exchange(m, machine);
  CHECK(blind.dispatch_us >= plain.dispatch_us);
  CHECK(blind.combine_us >= plain.combine_us);
  CHECK(blind.bytes == Approx(plain.bytes));
  // In between: 1 - accuracy of the bytes, and less time.
  const ExchangeResult seventy = make("speculative_shuffle", "bf16", 0.7)->exchange(m, machine);
  CHECK(seventy.bytes == Approx(0.3 * plain.bytes));
  CHECK(seventy.bytes_saved == Approx(0.7 * plain.bytes));
  CHECK(seventy.dispatch_us < plain.dispatch_us);
}

TEST_CASE("DeepEP strategies: bytes from the matrix, the fitted kernel times on uniform routing",
          "[dispatch]") {
  const BuiltSystem system = h100_nodes(1);
  TestMachine machine(system, 8, 8);
  // Top-8 of 256 experts over 8 ranks, 4,096 tokens each, every expert equally loaded.
  const uint64_t per_expert = 4096 * 8 * 8 / 256;
  std::vector<std::vector<uint64_t>> rank_expert(8, std::vector<uint64_t>(32, per_expert));
  const std::vector<double> source(8, 4096);
  const std::vector<uint32_t> node(8, 0);
  const TokenMatrix m = TokenMatrix::build(source, rank_expert, node);
  const moesim::DeepEpModel model = moesim::DeepEpModel::load(
      moesim::test::source_path("topologies/catalogue"), "H100-SXM", catalogue());
  const moesim::EpShape shape{4096, 1024, 8, 256, 8, 1};
  const double fp8 = moesim::DeepEpModel::fp8_token_bytes(1024);
  const double bf16 = moesim::DeepEpModel::bf16_token_bytes(1024);
  const auto uniform_dispatch =
      moesim::DeepEpModel::uniform_traffic(shape, fp8, moesim::EpCopies::per_rank);
  const auto uniform_combine =
      moesim::DeepEpModel::uniform_traffic(shape, bf16, moesim::EpCopies::per_rank);
  const ExchangeResult normal = make("deepep_normal", "bf16", -1, 24)->exchange(m, machine);
  // The matrix's tokens per rank are the exact expectation for uniform routing, as the
  // model's uniform traffic is.
  CHECK(normal.dispatch_us == Approx(model.normal_dispatch_us(uniform_dispatch, 24)).epsilon(1e-9));
  CHECK(normal.combine_us == Approx(model.normal_combine_us(uniform_combine, 24)).epsilon(1e-9));
  double expected = 0;
  for (uint32_t s = 0; s < 8; ++s) {
    for (uint32_t d = 0; d < 8; ++d) {
      if (d != s) expected += m.share(s) * m.rank_tokens[d] * (fp8 + bf16);
    }
  }
  CHECK(normal.bytes == Approx(expected));
  CHECK(normal.bytes_across_nodes == 0);
  // More SMs help until the link binds; fewer SMs take longer.
  CHECK(make("deepep_normal", "bf16", -1, 8)->exchange(m, machine).dispatch_us >
        normal.dispatch_us);
  CHECK(make("deepep_normal", "bf16", -1, 24)->compute_share_beside() ==
        Approx((132.0 - 24) / 132));  // the H100's 132 SMs
  // Low latency: one message per chosen expert, so more bytes than per rank, no SMs taken.
  const auto low = make("deepep_low_latency");
  CHECK(low->compute_share_beside() == 1.0);
  CHECK(low->exchange(m, machine).bytes > normal.bytes);
}

TEST_CASE("a balanced all-to-allv on one switch takes the analytic and the flow-level time",
          "[dispatch]") {
  constexpr uint32_t kRanks = 8;
  const BuiltSystem system = one_switch(kRanks);
  TestMachine machine(system, kRanks, 0);
  // Top-1 over one expert per rank, every rank's expert as popular: each rank sends 1/8 of
  // its tokens to each rank.
  const TokenMatrix m = matrix(std::vector<double>(kRanks, 1024), 1024, kRanks, 1);
  const double b = shape().hidden_size * 2.0;
  const double sent = 1024.0 * (kRanks - 1) / kRanks * b;  // per rank, per direction
  const double analytic_us = sent / kSwitchBandwidth * 1e6 + 2 * kHopLatencyUs;
  const ExchangeResult r = make("all_to_allv")->exchange(m, machine);
  CHECK(r.dispatch_us == Approx(analytic_us).epsilon(1e-6));
  CHECK(r.combine_us == Approx(analytic_us).epsilon(1e-6));

  moesim::Simulator sim;
  moesim::MaxMinNetwork network(sim);
  system.topology.install(network);
  moesim::Communicator comm(sim, network, system.topology, system.topology.gpus(),
                            moesim::CommCalibration{});
  moesim::ByteMatrix bytes(kRanks, std::vector<double>(kRanks, 1024.0 / kRanks * b));
  comm.all_to_allv(bytes, [] {});
  sim.run();
  CHECK(sim.now().microseconds() == Approx(analytic_us).epsilon(1e-4));
}

TEST_CASE("per-rank strategies refuse experts split over GPUs", "[dispatch]") {
  moesim::ParallelLayout hybrid{4, 4, 2, 1};  // DP4 x TP2: 8 GPUs, EP4 x MoE-TP2
  moesim::ParamCheckContext context;
  context.layout = &hybrid;
  moesim::Params p;
  CHECK_THROWS_AS(moesim::check_whole_experts(p, context), moesim::ParamError);
  moesim::ParallelLayout wide{8, 8, 1, 1};
  context.layout = &wide;
  CHECK_NOTHROW(moesim::check_whole_experts(p, context));
}

TEST_CASE("a serving run over two nodes takes each dispatch strategy", "[dispatch][serving]") {
  const std::string scenario =
      moesim::test::source_path("scenarios/scale/deepseek_v3_1024_h100.yaml").string();
  moesim::test::TempDir dir("dispatch-serving");
  std::map<std::string, std::string> summaries;
  for (const char* name : kStrategies) {
    const moesim::test::CliResult r = moesim::test::run_cli(
        {"run", scenario, "--set", "serving.data_parallel=16", "--set", "hardware.nodes=2", "--set",
         "workload.requests=workloads/fixed-1000-200-200.csv", "--set",
         std::string("strategies.dispatch=") + name, "--no-trace", "--quiet", "--out",
         (dir.path() / name).string()});
    REQUIRE(r.exit_code == 0);
    summaries[name] = moesim::test::read_text(dir.path() / name / "summary.txt");
    CHECK_THAT(summaries[name], Catch::Matchers::Contains(std::string("dispatch: ") + name));
  }
  // Moving only the routed tokens beats gathering every token everywhere; one copy per node
  // crosses the network less than one per rank.
  const auto across = [&](const std::string& name) {
    const std::string& s = summaries[name];
    const size_t end = s.find(" GB across nodes");
    return std::stod(s.substr(s.rfind(' ', end - 1) + 1, end));
  };
  CHECK(across("hierarchical") < across("all_to_allv"));
  const auto communication = [&](const std::string& name) {
    const std::string& s = summaries[name];
    const size_t at = s.find("communication");
    return std::stod(s.substr(at + 13, s.find(" s ", at) - at - 13));
  };
  CHECK(communication("all_to_allv") < communication("allgather_reducescatter"));
}

TEST_CASE("on one node nothing crosses nodes, whatever the shares' rounding", "[dispatch]") {
  const BuiltSystem system = h100_nodes(1);
  TestMachine machine(system, 8, 8);
  // Shares of 1/3 and 1/7 do not sum to exactly 1 in floating point.
  const std::vector<double> source = {1, 3, 7, 1, 3, 7, 1, 3};
  std::vector<std::vector<uint64_t>> rank_expert(8, std::vector<uint64_t>(8, 5));
  const TokenMatrix m = TokenMatrix::build(source, rank_expert, std::vector<uint32_t>(8, 0));
  for (const char* name : kStrategies) {
    INFO(name);
    const ExchangeResult r = make(name)->exchange(m, machine);
    CHECK(r.bytes_across_nodes == 0);
    CHECK(r.dispatch_us > 0);
  }
}

TEST_CASE("DeepEP normal crosses nodes once per destination node, low latency once per expert",
          "[dispatch]") {
  const BuiltSystem system = h100_nodes(2);
  TestMachine machine(system, 16, 8);
  std::vector<double> pairs(16, 800);
  pairs[9] = 1600;
  const TokenMatrix m = matrix(pairs, 200, 8);
  const double fp8 = moesim::DeepEpModel::fp8_token_bytes(shape().hidden_size);
  const double bf16 = moesim::DeepEpModel::bf16_token_bytes(shape().hidden_size);
  // hierarchical moves the same node copies across, in bf16 both ways.
  const ExchangeResult hier = make("hierarchical")->exchange(m, machine);
  const ExchangeResult normal = make("deepep_normal")->exchange(m, machine);
  CHECK(normal.bytes_across_nodes == Approx(hier.bytes_across_nodes * (fp8 + bf16) / (2 * bf16)));
  const ExchangeResult low = make("deepep_low_latency")->exchange(m, machine);
  CHECK(low.bytes_across_nodes > normal.bytes_across_nodes);
}

TEST_CASE("a rank with one hot expert receives at least that expert's tokens", "[dispatch]") {
  // 16 ranks of one expert each, top-8: rank 0's expert is chosen by 90% of the tokens.
  std::vector<std::vector<uint64_t>> rank_expert(16, std::vector<uint64_t>(1, 50));
  rank_expert[0][0] = 900;
  const TokenMatrix m =
      TokenMatrix::build(std::vector<double>(16, 62.5), rank_expert, std::vector<uint32_t>(16, 0));
  CHECK(m.rank_tokens[0] == Approx(900));  // one expert: exactly its pairs
  for (uint32_t r = 0; r < 16; ++r) CHECK(m.rank_tokens[r] <= m.pairs[r] + 1e-9);
  CHECK(m.node_tokens[0] <= m.total_tokens);
  CHECK(m.node_tokens[0] >= 900);
}

TEST_CASE("DeepEP refuses an SM budget of the whole GPU", "[dispatch]") {
  CHECK_THROWS_AS(make("deepep_normal", "bf16", -1, 132), moesim::ConfigError);
  CHECK_NOTHROW(make("deepep_normal", "bf16", -1, 131));
}
