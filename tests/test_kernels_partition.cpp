// The reference layer computed the way strategies partition it: tensor-parallel slices of an
// expert, expert-parallel shards over ranks (with a replicated expert), and dropped tokens.
//
// Tolerance. A partition computes the same products as the unpartitioned layer but may sum
// them in another order (slices of the down-projection's reduction, ranks' partial outputs)
// and may run an expert's GEMM on a different token count, which can change Eigen's blocking
// and so the order of its sums. Both results are within the standard dot-product error bound
// n u sum|terms| of the exact value (u = 2^-24, n the reduction length), so they differ by at
// most 2 (F + H + k + 8) u S per element, with S the sum over the token's selections of
// |weight| |silu(x W_gate) * (x W_up)| |W_down|: the magnitude of everything summed into that
// element. Bit-identity is not required; it does hold where the order is provably the same
// (contiguous placement, top-2), and that case is checked with ==.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "models/reference/moe_layer_reference.h"
#include "models/reference/synthetic_weights.h"
#include "models/strategies/placement/contiguous.h"
#include "models/strategies/placement/round_robin.h"
#include "sim/rng.h"

using moesim::kernels::ExpertWork;
using moesim::kernels::Matrix;
using moesim::kernels::MoeLayerReference;
using moesim::kernels::ReferenceLayerShape;
using moesim::kernels::RoutedTokens;
using moesim::kernels::RouterConfig;
using moesim::kernels::RouterScoring;
using moesim::kernels::SwigluWeights;

namespace {

constexpr double kUnitRoundoff = 0x1.0p-24;

/// |silu(x W_gate) * (x W_up)| |W_down| in double: per output element, the sum of the
/// magnitudes of the terms the down projection adds up. [T x H].
Eigen::MatrixXd magnitudes(const SwigluWeights& e, const Matrix& x) {
  const Eigen::ArrayXXf g = (x * e.gate).array();
  const Eigen::ArrayXXf u = (x * e.up).array();
  const Eigen::ArrayXXf h = g * u / (1.0f + (-g).exp());
  return h.abs().cast<double>().matrix() * e.down.cast<double>().cwiseAbs();
}

/// Largest |a - b| / bound over all elements; <= 1 means within the bound.
double worst_ratio(const Matrix& a, const Matrix& b, const Eigen::MatrixXd& bound) {
  const Eigen::ArrayXXd diff = (a - b).cast<double>().array().abs();
  return (diff / bound.array().max(1e-30)).maxCoeff();
}

/// Sum over each token's selections of |weight| x magnitudes: the S of the file comment.
Eigen::MatrixXd layer_magnitudes(const MoeLayerReference& layer, const Matrix& x,
                                 const RoutedTokens& routed) {
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(x.rows(), x.cols());
  for (uint32_t e = 0; e < layer.num_experts(); ++e) {
    const Eigen::MatrixXd m = magnitudes(layer.weights().experts[e], x);
    for (size_t t = 0; t < routed.routing.tokens(); ++t) {
      const auto chosen = routed.routing.choices(t);
      for (size_t i = 0; i < chosen.size(); ++i) {
        if (chosen[i] == e) {
          const auto row = static_cast<Eigen::Index>(t);
          s.row(row) += std::abs(routed.weights_of(t)[i]) * m.row(row);
        }
      }
    }
  }
  return s;
}

struct Fixture {
  MoeLayerReference layer;
  Matrix x;
  RoutedTokens routed;
  std::vector<ExpertWork> per_expert;
  double factor;  ///< 2 (F + H + k + 8) u
};

/// H = 32, F = 48, 8 experts, a gated shared expert, 64 tokens, seeded.
Fixture make_fixture(uint32_t top_k) {
  moesim::RngStream rng(20240601);
  ReferenceLayerShape shape{32, 48, 8, 1, 40, true, false, false};
  const RouterConfig config{RouterScoring::kSoftmax, top_k, 1, 1, true, 1.0f};
  MoeLayerReference layer(config, moesim::kernels::make_synthetic_weights(shape, rng));
  Matrix x = moesim::kernels::make_synthetic_tokens(64, 32, rng);
  RoutedTokens routed = layer.route(x);
  std::vector<ExpertWork> per_expert = moesim::kernels::work_by_expert(routed);
  const double factor = 2.0 * (48 + 32 + top_k + 8) * kUnitRoundoff;
  return {std::move(layer), std::move(x), std::move(routed), std::move(per_expert), factor};
}

/// Sum over ranks of each rank's routed output under `placement`, plus the shared experts.
Matrix expert_parallel(const Fixture& f, const moesim::ExpertPlacement& placement,
                       uint32_t ranks_summed) {
  Matrix out = f.layer.shared_output(f.x);
  Matrix routed = Matrix::Zero(f.x.rows(), f.x.cols());
  for (uint32_t rank = 0; rank < ranks_summed; ++rank) {
    routed += f.layer.routed_output(
        f.x, moesim::kernels::shard_by_placement(f.per_expert, placement, rank));
  }
  return routed + out;
}

}  // namespace

TEST_CASE("A 4-way intermediate split sums to the unsplit expert", "[kernels]") {
  moesim::RngStream rng(11);
  const SwigluWeights expert = moesim::kernels::make_synthetic_expert(64, 256, rng);
  const Matrix x = moesim::kernels::make_synthetic_tokens(8, 64, rng);
  const Matrix full = moesim::kernels::swiglu_forward(expert, x);
  const auto slices = moesim::kernels::split_intermediate(256, 4);
  REQUIRE(slices.size() == 4);
  std::vector<Matrix> parts;
  for (const auto& s : slices) parts.push_back(moesim::kernels::swiglu_forward(expert, x, s));
  // within 2 (F + H + 4) u S, F = 256, H = 64 (file comment)
  const Eigen::MatrixXd bound = 2.0 * (256 + 64 + 4) * kUnitRoundoff * magnitudes(expert, x);
  CHECK(worst_ratio(parts[0] + parts[1] + parts[2] + parts[3], full, bound) <= 1.0);
  // The bound is tight enough to notice a missing slice: three of four are far outside it
  CHECK(worst_ratio(parts[0] + parts[1] + parts[2], full, bound) > 1e3);
}

TEST_CASE("split_intermediate partitions the intermediate dimension", "[kernels]") {
  using Slices = std::vector<moesim::kernels::IntermediateSlice>;
  // 250 = 63 + 63 + 62 + 62: the first 250 % 4 = 2 slices are one wider
  CHECK(moesim::kernels::split_intermediate(250, 4) ==
        Slices{{0, 63}, {63, 126}, {126, 188}, {188, 250}});
  CHECK(moesim::kernels::split_intermediate(5, 1) == Slices{{0, 5}});
  CHECK_THROWS_AS(moesim::kernels::split_intermediate(3, 4), std::invalid_argument);
  CHECK_THROWS_AS(moesim::kernels::split_intermediate(3, 0), std::invalid_argument);
}

TEST_CASE("Expert parallelism over 4 ranks reproduces the layer", "[kernels]") {
  const Fixture f = make_fixture(3);
  const Matrix reference = f.layer.forward(f.x);
  const Eigen::MatrixXd bound = f.factor * layer_magnitudes(f.layer, f.x, f.routed);
  // Round-robin: rank r holds experts r and r + 4
  const auto round_robin = moesim::RoundRobinPlacement().place({8, 4, 0, {}});
  const auto shard1 = moesim::kernels::shard_by_placement(f.per_expert, round_robin, 1);
  REQUIRE(shard1.size() == 2);
  CHECK(shard1[0].expert == 1);
  CHECK(shard1[1].expert == 5);
  // top-3 sums a token's outputs in rank order, not expert order: equal within the bound
  CHECK(worst_ratio(expert_parallel(f, round_robin, 4), reference, bound) <= 1.0);
  // and a missing rank is far outside it
  CHECK(worst_ratio(expert_parallel(f, round_robin, 3), reference, bound) > 1e3);

  // Expert 0 replicated on ranks 0 and 2: its tokens alternate between the replicas
  moesim::ExpertPlacement replicated = round_robin;
  replicated.ranks_of_expert[0] = {0, 2};
  const auto on_rank2 = moesim::kernels::shard_by_placement(f.per_expert, replicated, 2);
  REQUIRE(on_rank2.size() == 3);
  CHECK(on_rank2[0].expert == 0);
  CHECK(on_rank2[0].tokens.size() == f.per_expert[0].tokens.size() / 2);
  CHECK(worst_ratio(expert_parallel(f, replicated, 4), reference, bound) <= 1.0);
}

TEST_CASE("Contiguous expert parallelism with top-2 is bit-identical", "[kernels]") {
  // Each expert sees the same tokens as unpartitioned, so its GEMMs give the same bits; with
  // contiguous placement a token's two experts are summed in expert order either way (adding
  // the zero rows of other ranks is exact), so the outputs are equal, not just close
  const Fixture f = make_fixture(2);
  const auto contiguous = moesim::ContiguousPlacement().place({8, 4, 0, {}});
  CHECK(expert_parallel(f, contiguous, 4) == f.layer.forward(f.x));
}

TEST_CASE("Tensor-parallel shards of every expert reproduce the routed output", "[kernels]") {
  const Fixture f = make_fixture(2);
  const Matrix reference = f.layer.routed_output(f.x, f.per_expert);
  const Eigen::MatrixXd bound = f.factor * layer_magnitudes(f.layer, f.x, f.routed);
  Matrix summed = Matrix::Zero(f.x.rows(), f.x.cols());
  for (const auto& slice : moesim::kernels::split_intermediate(48, 4)) {
    std::vector<ExpertWork> rank_work = f.per_expert;
    for (ExpertWork& w : rank_work) w.slice = slice;
    summed += f.layer.routed_output(f.x, rank_work);
  }
  CHECK(worst_ratio(summed, reference, bound) <= 1.0);
}

TEST_CASE("Dropped tokens lose exactly their dropped selections", "[kernels]") {
  const Fixture f = make_fixture(2);
  // Capacity 8 per expert (16 on average): each expert keeps its first 8 tokens
  std::vector<ExpertWork> kept;
  for (const ExpertWork& w : f.per_expert) kept.push_back(moesim::kernels::keep_first_tokens(w, 8));
  const Matrix routed = f.layer.routed_output(f.x, kept);
  // Expected: each kept (token, expert) pair's weight times the expert on that token alone
  Matrix expected = Matrix::Zero(f.x.rows(), f.x.cols());
  size_t dropped = 0;
  for (size_t e = 0; e < kept.size(); ++e) {
    dropped += f.per_expert[e].tokens.size() - kept[e].tokens.size();
    for (size_t i = 0; i < kept[e].tokens.size(); ++i) {
      const auto t = static_cast<Eigen::Index>(kept[e].tokens[i]);
      expected.row(t) += kept[e].weights[i] * moesim::kernels::swiglu_forward(
                                                  f.layer.weights().experts[e], Matrix(f.x.row(t)));
    }
  }
  REQUIRE(dropped > 0);
  const Eigen::MatrixXd bound = f.factor * layer_magnitudes(f.layer, f.x, f.routed);
  CHECK(worst_ratio(routed, expected, bound) <= 1.0);
  // Tokens past the capacity of every expert they chose have an exactly zero routed output
  std::vector<uint32_t> kept_selections(static_cast<size_t>(f.x.rows()), 0);
  for (const ExpertWork& w : kept) {
    for (const uint32_t t : w.tokens) ++kept_selections[t];
  }
  size_t fully_dropped = 0;
  for (size_t t = 0; t < kept_selections.size(); ++t) {
    if (kept_selections[t] != 0) continue;
    ++fully_dropped;
    CHECK(routed.row(static_cast<Eigen::Index>(t)).isZero(0.0f));
  }
  REQUIRE(fully_dropped > 0);
}

TEST_CASE("The layer forward is router, experts per selection, combine, plus shared", "[kernels]") {
  const Fixture f = make_fixture(3);
  // Each selection's expert run on its token alone, then combined by routing weight
  const auto selections = static_cast<Eigen::Index>(f.routed.routing.experts.size());
  Matrix outputs(selections, f.x.cols());
  for (size_t t = 0; t < f.routed.routing.tokens(); ++t) {
    for (uint32_t s = f.routed.routing.offsets[t]; s < f.routed.routing.offsets[t + 1]; ++s) {
      const SwigluWeights& e = f.layer.weights().experts[f.routed.routing.experts[s]];
      outputs.row(s) =
          moesim::kernels::swiglu_forward(e, Matrix(f.x.row(static_cast<Eigen::Index>(t))));
    }
  }
  const Matrix expected =
      moesim::kernels::combine_selections(f.routed, outputs) + f.layer.shared_output(f.x);
  const Eigen::MatrixXd bound = f.factor * layer_magnitudes(f.layer, f.x, f.routed);
  CHECK(worst_ratio(f.layer.forward(f.x), expected, bound) <= 1.0);
  // The shared expert contributes: dropping it moves the output far outside the bound
  CHECK(worst_ratio(f.layer.routed_output(f.x, f.per_expert), expected, bound) > 1e3);
}

TEST_CASE("Synthetic weights are seeded and scaled by 1/sqrt(fan_in)", "[kernels]") {
  const ReferenceLayerShape shape{64, 256, 4, 0, 0, false, true, true};
  moesim::RngStream a(7);
  moesim::RngStream b(7);
  moesim::RngStream c(8);
  const auto wa = moesim::kernels::make_synthetic_weights(shape, a);
  const auto wb = moesim::kernels::make_synthetic_weights(shape, b);
  const auto wc = moesim::kernels::make_synthetic_weights(shape, c);
  // Same seed, same weights; another seed, other weights
  CHECK(wa.experts[3].down == wb.experts[3].down);
  CHECK(wa.router.score_correction == wb.router.score_correction);
  CHECK(wa.experts[3].down != wc.experts[3].down);
  // Sample standard deviations of 16384 draws: gate 1/sqrt(64) = 0.125, down 1/sqrt(256) =
  // 0.0625, within 3% (the standard error of a sample stddev is about 0.6% here)
  const auto stddev = [](const Matrix& m) {
    const double mean = m.cast<double>().mean();
    return std::sqrt((m.cast<double>().array() - mean).square().mean());
  };
  CHECK(stddev(wa.experts[0].gate) == Approx(0.125).epsilon(0.03));
  CHECK(stddev(wa.experts[0].down) == Approx(0.0625).epsilon(0.03));
  CHECK(wa.router.bias.size() == 4);
  // A layer whose expert disagrees with the router on H is rejected
  auto bad = wa;
  bad.experts[1] = moesim::kernels::make_synthetic_expert(32, 256, a);
  CHECK_THROWS_AS(MoeLayerReference(RouterConfig{}, bad), std::invalid_argument);
}
