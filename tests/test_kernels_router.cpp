// Reference router kernels: logits, softmax and sigmoid scoring, top-k with its tie rule,
// group-limited top-k with a selection-only score correction, renormalisation and scaling.
// Expected values are worked out in the comments; fp32 results are compared to 1e-6 relative.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/reference/router.h"
#include "models/reference/top_k.h"

using moesim::kernels::Matrix;
using moesim::kernels::RoutedTokens;
using moesim::kernels::RouterConfig;
using moesim::kernels::RouterScoring;
using moesim::kernels::RouterWeights;
using moesim::kernels::Vector;

namespace {

using Experts = std::vector<uint32_t>;

std::vector<float> weights_of(const RoutedTokens& r, size_t token) {
  const auto w = r.weights_of(token);
  return {w.begin(), w.end()};
}

Experts experts_of(const RoutedTokens& r, size_t token) {
  const auto e = r.routing.choices(token);
  return {e.begin(), e.end()};
}

// Two tokens, hidden 2, three experts. X is the identity, so token t's logits are row t of W.
//   token 0 logits [1, 2, 0]; token 1 logits [0, 0, 1]
RouterWeights two_token_router() {
  RouterWeights w;
  w.weight = Matrix{{1.0f, 2.0f, 0.0f}, {0.0f, 0.0f, 1.0f}};
  return w;
}
const Matrix kIdentity2{{1.0f, 0.0f}, {0.0f, 1.0f}};

}  // namespace

TEST_CASE("Router logits are x W_r plus the optional bias", "[kernels]") {
  RouterWeights w = two_token_router();
  const Matrix x{{2.0f, 3.0f}};
  // [2, 3] W = [2*1 + 3*0, 2*2 + 3*0, 2*0 + 3*1] = [2, 4, 3]
  CHECK(moesim::kernels::router_logits(w, x) == Matrix{{2.0f, 4.0f, 3.0f}});
  w.bias = Vector{{0.5f, -1.0f, 0.0f}};
  // plus the bias: [2.5, 3, 3]
  CHECK(moesim::kernels::router_logits(w, x) == Matrix{{2.5f, 3.0f, 3.0f}});
}

TEST_CASE("Softmax router picks the top 2 and renormalises", "[kernels]") {
  const RouterConfig config{RouterScoring::kSoftmax, 2, 1, 1, true, 1.0f};
  const RoutedTokens r = moesim::kernels::route(config, two_token_router(), kIdentity2);
  REQUIRE(r.routing.tokens() == 2);
  // token 0: softmax([1, 2, 0]) = [e, e^2, 1] / 11.107338 = [0.244728, 0.665241, 0.090031];
  // top-2 = experts 1, 0; renormalised 0.665241 / 0.909969 = 0.731059 (= sigmoid(1)) and
  // 0.268941
  CHECK(experts_of(r, 0) == Experts{1, 0});
  CHECK(weights_of(r, 0)[0] == Approx(0.7310586).epsilon(1e-6));
  CHECK(weights_of(r, 0)[1] == Approx(0.2689414).epsilon(1e-6));
  // token 1: softmax([0, 0, 1]) = [0.211942, 0.211942, 0.576117]; experts 0 and 1 tie, the
  // lower index wins: top-2 = experts 2, 0, renormalised 0.731059, 0.268941
  CHECK(experts_of(r, 1) == Experts{2, 0});
  CHECK(weights_of(r, 1)[0] == Approx(0.7310586).epsilon(1e-6));
  CHECK(weights_of(r, 1)[1] == Approx(0.2689414).epsilon(1e-6));
}

TEST_CASE("Softmax router without renormalisation keeps the probabilities, then scales",
          "[kernels]") {
  const RouterConfig config{RouterScoring::kSoftmax, 2, 1, 1, false, 2.0f};
  const RoutedTokens r = moesim::kernels::route(config, two_token_router(), kIdentity2);
  // token 0: 2 x [0.665241, 0.244728] = [1.330482, 0.489457]
  CHECK(experts_of(r, 0) == Experts{1, 0});
  CHECK(weights_of(r, 0)[0] == Approx(1.3304819).epsilon(1e-6));
  CHECK(weights_of(r, 0)[1] == Approx(0.4894569).epsilon(1e-6));
  // token 1: 2 x [0.576117, 0.211942] = [1.152234, 0.423883]
  CHECK(weights_of(r, 1)[0] == Approx(1.1522338).epsilon(1e-6));
  CHECK(weights_of(r, 1)[1] == Approx(0.4238831).epsilon(1e-6));
}

TEST_CASE("Softmax scores of a row sum to 1 and sigmoid scores are elementwise", "[kernels]") {
  const Matrix logits{{1.0f, 2.0f, 0.0f}};
  const Matrix soft = moesim::kernels::router_scores(RouterScoring::kSoftmax, logits);
  // e^2 / (e + e^2 + 1) = 0.665241
  CHECK(soft(0, 1) == Approx(0.6652410).epsilon(1e-6));
  CHECK(soft.sum() == Approx(1.0f).epsilon(1e-6));
  const Matrix sig = moesim::kernels::router_scores(RouterScoring::kSigmoid, logits);
  // sigmoid(1) = 0.731059, sigmoid(2) = 0.880797, sigmoid(0) = 0.5
  CHECK(sig(0, 0) == Approx(0.7310586).epsilon(1e-6));
  CHECK(sig(0, 1) == Approx(0.8807971).epsilon(1e-6));
  CHECK(sig(0, 2) == 0.5f);
}

// One token, four experts in two groups {0, 1} and {2, 3}, sigmoid scoring, keep 1 group,
// top-2 inside it. Logits [2, 0, 1, 1.5] give scores [0.880797, 0.5, 0.731059, 0.817574].
TEST_CASE("Group-limited top-k: the score correction changes the choice, not the weights",
          "[kernels]") {
  RouterWeights w;
  w.weight = Matrix{{2.0f, 0.0f, 1.0f, 1.5f}, {0.0f, 0.0f, 0.0f, 0.0f}};
  const Matrix x{{1.0f, 0.0f}};
  RouterConfig config{RouterScoring::kSigmoid, 2, 2, 1, false, 1.0f};

  // Without correction: group scores (sum of the top 2) are 1.380797 and 1.548633, so group 1
  // is kept; top-2 inside it: experts 3 (0.817574) then 2 (0.731059)
  RoutedTokens r = moesim::kernels::route(config, w, x);
  CHECK(experts_of(r, 0) == Experts{3, 2});
  CHECK(weights_of(r, 0)[0] == Approx(0.8175745).epsilon(1e-6));
  CHECK(weights_of(r, 0)[1] == Approx(0.7310586).epsilon(1e-6));

  // Plain top-2 over all experts would pick 0 and 3 instead: the grouping matters
  const RouterConfig plain{RouterScoring::kSigmoid, 2, 1, 1, false, 1.0f};
  CHECK(experts_of(moesim::kernels::route(plain, w, x), 0) == Experts{0, 3});

  // Correction [0, 0.2, 0, 0]: corrected scores [0.880797, 0.7, 0.731059, 0.817574], group
  // scores 1.580797 and 1.548633, so group 0 is kept and experts 0, 1 chosen. The weights are
  // the uncorrected scores: expert 1 gets 0.5, not 0.7
  w.score_correction = Vector{{0.0f, 0.2f, 0.0f, 0.0f}};
  r = moesim::kernels::route(config, w, x);
  CHECK(experts_of(r, 0) == Experts{0, 1});
  CHECK(weights_of(r, 0)[0] == Approx(0.8807971).epsilon(1e-6));
  CHECK(weights_of(r, 0)[1] == 0.5f);

  // Renormalised and scaled by 2.5 (DeepSeek-V3): 2.5 x 0.880797 / 1.380797 = 1.594726 and
  // 2.5 x 0.5 / 1.380797 = 0.905274
  config.renormalize = true;
  config.routed_scaling_factor = 2.5f;
  r = moesim::kernels::route(config, w, x);
  CHECK(experts_of(r, 0) == Experts{0, 1});
  CHECK(weights_of(r, 0)[0] == Approx(1.5947258).epsilon(1e-6));
  CHECK(weights_of(r, 0)[1] == Approx(0.9052742).epsilon(1e-6));
}

TEST_CASE("Group score is the sum of the top 2, not the maximum", "[kernels]") {
  // Groups {0, 1, 2} with scores [0.9, 0.1, 0.1] and {3, 4, 5} with [0.6, 0.6, 0.0]. By
  // maximum group 0 would win (0.9 > 0.6); by top-2 sum group 1 wins (1.2 > 1.0). Inside it
  // experts 3 and 4 tie at 0.6 and the lower index is taken: expert 3, weight 0.6
  const Matrix scores{{0.9f, 0.1f, 0.1f, 0.6f, 0.6f, 0.0f}};
  const RouterConfig config{RouterScoring::kSigmoid, 1, 2, 1, false, 1.0f};
  const RoutedTokens r = moesim::kernels::select_experts(config, scores, Vector());
  CHECK(experts_of(r, 0) == Experts{3});
  CHECK(weights_of(r, 0)[0] == 0.6f);
}

TEST_CASE("Top-k orders by value, ties by lower index, and rejects k beyond the candidates",
          "[kernels]") {
  const std::vector<float> v{0.5f, 2.0f, 0.5f, 2.0f, -1.0f};
  // 2.0 at indices 1 and 3, then 0.5 at 0 and 2
  CHECK(moesim::kernels::top_k(v, 3) == Experts{1, 3, 0});
  CHECK(moesim::kernels::top_k(v, 5) == Experts{1, 3, 0, 2, 4});
  CHECK_THROWS_AS(moesim::kernels::top_k(v, 6), std::invalid_argument);
}

TEST_CASE("Router configurations that cannot route are rejected", "[kernels]") {
  using moesim::kernels::validate_router;
  // 3 groups do not divide 8 experts
  CHECK_THROWS_AS(validate_router({RouterScoring::kSigmoid, 2, 3, 1, true, 1.0f}, 8),
                  std::invalid_argument);
  // 2 of 4 groups of 2 experts hold 4 experts, fewer than top-5
  CHECK_THROWS_AS(validate_router({RouterScoring::kSigmoid, 5, 4, 2, true, 1.0f}, 8),
                  std::invalid_argument);
  // topk_group above n_group
  CHECK_THROWS_AS(validate_router({RouterScoring::kSigmoid, 2, 2, 3, true, 1.0f}, 8),
                  std::invalid_argument);
  // top-4 of 2 kept groups of 2 is exactly reachable
  CHECK_NOTHROW(validate_router({RouterScoring::kSigmoid, 4, 4, 2, true, 1.0f}, 8));
  // a NaN score is an error, not an arbitrary choice
  const Matrix nan_scores{{0.5f, std::numeric_limits<float>::quiet_NaN()}};
  CHECK_THROWS_AS(moesim::kernels::select_experts({RouterScoring::kSoftmax, 1, 1, 1, true, 1.0f},
                                                  nan_scores, Vector()),
                  std::domain_error);
}
