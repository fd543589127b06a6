// Reference SwiGLU expert, shared experts and the weighted combine, on matrices small enough
// to work out by hand. silu(z) = z / (1 + e^-z). fp32 results are compared to 1e-6 relative.
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/reference/combine.h"
#include "models/reference/swiglu_expert.h"

using moesim::kernels::IntermediateSlice;
using moesim::kernels::Matrix;
using moesim::kernels::RoutedTokens;
using moesim::kernels::SharedExperts;
using moesim::kernels::SwigluWeights;
using moesim::kernels::Vector;

namespace {

// H = 2, F = 2. For x = [1, 2]:
//   g = x W_gate = [1, -2], u = x W_up = [3, 1]
//   silu(g) = [0.731059, -0.238406], h = silu(g) * u = [2.193176, -0.238406]
//   y = h W_down = [2.193176 + 3 (-0.238406), 2 (2.193176)] = [1.477958, 4.386351]
SwigluWeights tiny_expert() {
  SwigluWeights w;
  w.gate = Matrix{{1.0f, 0.0f}, {0.0f, -1.0f}};
  w.up = Matrix{{1.0f, 1.0f}, {1.0f, 0.0f}};
  w.down = Matrix{{1.0f, 2.0f}, {3.0f, 0.0f}};
  return w;
}
const Matrix kX{{1.0f, 2.0f}};

}  // namespace

TEST_CASE("SwiGLU expert on a 1x2 input", "[kernels]") {
  const Matrix y = moesim::kernels::swiglu_forward(tiny_expert(), kX);
  REQUIRE(y.rows() == 1);
  REQUIRE(y.cols() == 2);
  // y = [1.477958, 4.386351] (see tiny_expert)
  CHECK(y(0, 0) == Approx(1.4779582).epsilon(1e-6));
  CHECK(y(0, 1) == Approx(4.3863515).epsilon(1e-6));
}

TEST_CASE("SwiGLU rows are independent tokens", "[kernels]") {
  // Token 1 is zero: g = u = 0, so h = 0 and y = 0; token 0 is unchanged by its neighbour
  const Matrix x{{1.0f, 2.0f}, {0.0f, 0.0f}};
  const Matrix y = moesim::kernels::swiglu_forward(tiny_expert(), x);
  CHECK(y(0, 0) == Approx(1.4779582).epsilon(1e-6));
  CHECK(y(1, 0) == 0.0f);
  CHECK(y(1, 1) == 0.0f);
}

TEST_CASE("SwiGLU intermediate slices add up to the whole expert", "[kernels]") {
  // Slice [0, 1) keeps h_0 = 2.193176: y = h_0 W_down row 0 = [2.193176, 4.386351]
  const Matrix first = moesim::kernels::swiglu_forward(tiny_expert(), kX, {0, 1});
  CHECK(first(0, 0) == Approx(2.1931757).epsilon(1e-6));
  CHECK(first(0, 1) == Approx(4.3863515).epsilon(1e-6));
  // Slice [1, 2) keeps h_1 = -0.238406: y = h_1 W_down row 1 = [-0.715218, 0]
  const Matrix second = moesim::kernels::swiglu_forward(tiny_expert(), kX, {1, 2});
  CHECK(second(0, 0) == Approx(-0.7152175).epsilon(1e-6));
  CHECK(second(0, 1) == 0.0f);
  // first + second = [1.477958, 4.386351], the whole expert
  const Matrix sum = first + second;
  CHECK(sum(0, 0) == Approx(1.4779582).epsilon(1e-6));
  CHECK(sum(0, 1) == Approx(4.3863515).epsilon(1e-6));
}

TEST_CASE("SwiGLU rejects empty or out-of-range slices and mismatched widths", "[kernels]") {
  using moesim::kernels::swiglu_forward;
  CHECK_THROWS_AS(swiglu_forward(tiny_expert(), kX, IntermediateSlice{1, 1}),
                  std::invalid_argument);
  CHECK_THROWS_AS(swiglu_forward(tiny_expert(), kX, IntermediateSlice{1, 3}),
                  std::invalid_argument);
  CHECK_THROWS_AS(swiglu_forward(tiny_expert(), Matrix{{1.0f, 2.0f, 3.0f}}), std::invalid_argument);
  SwigluWeights bad = tiny_expert();
  bad.down = Matrix{{1.0f, 2.0f}};
  CHECK_THROWS_AS(moesim::kernels::validate_swiglu(bad), std::invalid_argument);
}

TEST_CASE("Shared experts are summed and optionally gated by sigmoid(x . gate)", "[kernels]") {
  SharedExperts shared;
  // No shared expert: zeros
  CHECK(moesim::kernels::shared_experts_forward(shared, kX).isZero(0.0f));
  shared.experts = {tiny_expert(), tiny_expert()};
  // Two copies of the tiny expert: 2 y = [2.955916, 8.772703]
  Matrix out = moesim::kernels::shared_experts_forward(shared, kX);
  CHECK(out(0, 0) == Approx(2.9559164).epsilon(1e-6));
  CHECK(out(0, 1) == Approx(8.7727029).epsilon(1e-6));
  // Gate [0.5, 0.75]: x . gate = 0.5 + 1.5 = 2, sigmoid(2) = 0.880797, so the output is
  // 0.880797 x 2 y = [2.603563, 7.726971]
  shared.gate = Vector{{0.5f, 0.75f}};
  out = moesim::kernels::shared_experts_forward(shared, kX);
  CHECK(out(0, 0) == Approx(2.6035625).epsilon(1e-6));
  CHECK(out(0, 1) == Approx(7.7269711).epsilon(1e-6));
  // A gate of the wrong width is rejected
  shared.gate = Vector{{0.5f}};
  CHECK_THROWS_AS(moesim::kernels::validate_shared(shared, 2), std::invalid_argument);
}

TEST_CASE("Combine sums each token's expert outputs weighted by its routing weights", "[kernels]") {
  // Token 0 chose experts 1 and 0 with weights 0.75, 0.25; token 1 chose expert 2 with 1.0
  RoutedTokens routed;
  routed.routing.clear(3);
  routed.routing.experts = {1, 0};
  routed.routing.close_token();
  routed.routing.experts.push_back(2);
  routed.routing.close_token();
  routed.weights = {0.75f, 0.25f, 1.0f};
  // Selection outputs: [1, 2], [3, 4], [5, 6]
  const Matrix outputs{{1.0f, 2.0f}, {3.0f, 4.0f}, {5.0f, 6.0f}};
  const Matrix out = moesim::kernels::combine_selections(routed, outputs);
  // token 0: 0.75 [1, 2] + 0.25 [3, 4] = [1.5, 2.5]; token 1: [5, 6] (exact in fp32)
  CHECK(out == Matrix{{1.5f, 2.5f}, {5.0f, 6.0f}});
  CHECK_THROWS_AS(moesim::kernels::combine_selections(routed, Matrix{{1.0f, 2.0f}}),
                  std::invalid_argument);
}

TEST_CASE("accumulate_weighted scatters weighted rows onto their tokens", "[kernels]") {
  Matrix out = Matrix::Zero(3, 2);
  const std::vector<uint32_t> tokens{2, 0};
  const std::vector<float> weights{2.0f, -1.0f};
  // partial rows [1, 1] -> token 2 with weight 2, [2, 3] -> token 0 with weight -1
  moesim::kernels::accumulate_weighted(out, tokens, weights, Matrix{{1.0f, 1.0f}, {2.0f, 3.0f}});
  CHECK(out == Matrix{{-2.0f, -3.0f}, {0.0f, 0.0f}, {2.0f, 2.0f}});
  // and adds to what is there: a second pass doubles it
  moesim::kernels::accumulate_weighted(out, tokens, weights, Matrix{{1.0f, 1.0f}, {2.0f, 3.0f}});
  CHECK(out == Matrix{{-4.0f, -6.0f}, {0.0f, 0.0f}, {4.0f, 4.0f}});
  // a token outside the output is rejected
  const std::vector<uint32_t> outside{3};
  const std::vector<float> one{1.0f};
  CHECK_THROWS_AS(moesim::kernels::accumulate_weighted(out, outside, one, Matrix{{1.0f, 1.0f}}),
                  std::out_of_range);
}
