// Count-level routing against per-token routing: the same generator drawn both ways, statistics
// of the per-expert counts over many batches compared (RoutingGenerator::generate_counts).
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "sim/rng.h"
#include "traces/calibration/measured_routing.h"
#include "traces/calibration/measured_routing_reshape.h"
#include "traces/synthetic/calibrated_routing.h"
#include "traces/synthetic/fixed_popularity.h"
#include "traces/synthetic/k_distribution.h"
#include "traces/synthetic/successive_inclusion.h"
#include "traces/synthetic/synthetic_routing.h"
#include "traces/synthetic/zipf_popularity.h"
#include "traces/uniform_routing.h"

using namespace moesim;

namespace {

std::vector<double> normalised(std::vector<double> w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= total;
  return w;
}

std::vector<TokenContext> contexts(uint32_t tokens) {
  std::vector<TokenContext> out(tokens);
  for (uint32_t t = 0; t < tokens; ++t) out[t].request = t;
  return out;
}

/// Means and variances of per-expert counts and of contiguous groups' totals over batches.
class CountMoments {
 public:
  explicit CountMoments(size_t experts) : sum_(experts, 0.0), square_(experts, 0.0) {
    for (size_t size = experts / 2; size >= 2 && experts % size == 0; size /= 2) {
      group_size_.push_back(size);
      group_sum_.emplace_back(experts / size, 0.0);
      group_square_.emplace_back(experts / size, 0.0);
    }
  }
  void add(const std::vector<uint64_t>& counts) {
    ++batches_;
    for (size_t e = 0; e < counts.size(); ++e) {
      sum_[e] += static_cast<double>(counts[e]);
      square_[e] += static_cast<double>(counts[e]) * static_cast<double>(counts[e]);
    }
    for (size_t level = 0; level < group_size_.size(); ++level) {
      for (size_t g = 0; g < group_sum_[level].size(); ++g) {
        double total = 0.0;
        for (size_t e = g * group_size_[level]; e < (g + 1) * group_size_[level]; ++e) {
          total += static_cast<double>(counts[e]);
        }
        group_sum_[level][g] += total;
        group_square_[level][g] += total * total;
      }
    }
  }
  double mean(size_t e) const { return sum_[e] / batches_; }
  double variance(size_t e) const { return square_[e] / batches_ - mean(e) * mean(e); }
  size_t levels() const { return group_size_.size(); }
  size_t groups(size_t level) const { return group_sum_[level].size(); }
  double group_variance(size_t level, size_t g) const {
    const double m = group_sum_[level][g] / batches_;
    return group_square_[level][g] / batches_ - m * m;
  }

 private:
  double batches_ = 0.0;
  std::vector<double> sum_, square_;
  std::vector<size_t> group_size_;
  std::vector<std::vector<double>> group_sum_, group_square_;
};

/// The statistical agreement check, with its tolerances. `per_token` and `counts` are the same
/// generator with different seeds, used at layer 0 for `batches` batches of `tokens` tokens;
/// `inclusion` the exact inclusion probabilities (empty: estimated by the per-token run);
/// `fixed_k` the choices per token (0: k varies), for the total.
///   - every expert's mean count of either method within 5 standard errors of N pi_e;
///   - every expert's count variance within 10% of N pi_e (1 - pi_e), and their mean relative
///     error within 2% (a standard error of the variance is sqrt(2 / batches) = 1.6% at 8000
///     batches; the 2% catches a multinomial that ignores distinct experts, +6% at pi = 1/16);
///   - the variance of every contiguous group's total (halves, quarters, ...: the load of an
///     expert-parallel rank) within 10% between the methods (about 4 standard errors).
void check_agreement(RoutingGenerator& per_token, RoutingGenerator& counts, uint32_t tokens,
                     uint32_t fixed_k, std::vector<double> inclusion, int batches) {
  const bool exact = !inclusion.empty();
  const std::vector<TokenContext> batch = contexts(tokens);
  TokenRouting routing;
  std::vector<uint64_t> drawn;
  REQUIRE(per_token.generate_counts(0, batch, drawn));  // it would draw counts
  std::unique_ptr<CountMoments> token_moments, count_moments;
  for (int b = 0; b < batches; ++b) {
    per_token.generate_with_context(0, batch, routing);
    const std::vector<uint64_t> loads = routing.expert_loads();
    if (!token_moments) {
      token_moments = std::make_unique<CountMoments>(loads.size());
      count_moments = std::make_unique<CountMoments>(loads.size());
    }
    token_moments->add(loads);
    REQUIRE(counts.generate_counts(0, batch, drawn));
    REQUIRE(drawn.size() == loads.size());
    if (fixed_k > 0) {
      REQUIRE(std::accumulate(drawn.begin(), drawn.end(), uint64_t{0}) ==
              uint64_t{tokens} * fixed_k);
    }
    for (const uint64_t c : drawn) REQUIRE(c <= tokens);
    count_moments->add(drawn);
  }
  const size_t experts = drawn.size();
  const double n = tokens;
  // Without exact inclusions, the per-token means estimate them, and the count draw is checked
  // against that estimate with the two-sample margin (sqrt 2 wider).
  const double spread = exact ? 1.0 : std::sqrt(2.0);
  if (!exact) {
    for (size_t e = 0; e < experts; ++e) inclusion.push_back(token_moments->mean(e) / n);
  }
  double token_relative = 0.0, count_relative = 0.0;
  for (size_t e = 0; e < experts; ++e) {
    const double mean = n * inclusion[e], variance = n * inclusion[e] * (1.0 - inclusion[e]);
    const double error = 5.0 * spread * std::sqrt(variance / batches) + 1e-9;
    INFO("expert " << e << " pi " << inclusion[e]);
    if (exact) CHECK(token_moments->mean(e) == Approx(mean).margin(error));
    CHECK(count_moments->mean(e) == Approx(mean).margin(error));
    if (variance > 0.0) {
      CHECK(token_moments->variance(e) == Approx(variance).epsilon(0.10));
      CHECK(count_moments->variance(e) == Approx(variance).epsilon(0.10));
      token_relative += token_moments->variance(e) / variance - 1.0;
      count_relative += count_moments->variance(e) / variance - 1.0;
    }
  }
  CHECK(std::abs(token_relative / experts) < 0.02);
  CHECK(std::abs(count_relative / experts) < 0.02);
  for (size_t level = 0; level < token_moments->levels(); ++level) {
    for (size_t g = 0; g < token_moments->groups(level); ++g) {
      INFO("group level " << level << " group " << g);
      CHECK(count_moments->group_variance(level, g) ==
            Approx(token_moments->group_variance(level, g)).epsilon(0.10));
    }
  }
}

SyntheticRoutingParts zipf_parts(uint32_t experts, KDistribution k, double skew,
                                 RngStream& structure) {
  SyntheticRoutingParts parts;
  parts.num_experts = experts;
  parts.k = std::move(k);
  parts.popularity =
      std::make_unique<ZipfPopularity>(experts, std::vector<double>{skew}, structure);
  return parts;
}

/// Layer 0's inclusion probabilities of Zipf parts built from a stream seeded `seed`, mixed
/// over k.
std::vector<double> zipf_inclusion(uint32_t experts, const KDistribution& k, double skew,
                                   uint64_t seed) {
  RngStream structure(seed);
  ZipfPopularity popularity(experts, {skew}, structure);
  const LayerPopularity& table = popularity.at(0, 0);
  std::vector<double> mixed(experts, 0.0);
  for (size_t i = 0; i < k.probabilities().size(); ++i) {
    const auto one = successive_sampling_inclusion(table.first.probabilities(),
                                                   table.rest.probabilities(), k.min() + i);
    for (uint32_t e = 0; e < experts; ++e) mixed[e] += k.probabilities()[i] * one[e];
  }
  return mixed;
}

}  // namespace

TEST_CASE("Count-level and per-token routing agree: Zipf popularity", "[routing][counts]") {
  // The same permutation (structure seed 4) for both; the token draws differ. 64 tokens of 4
  // choices on 64 experts is the smallest batch drawn as counts.
  for (const auto& [k, tokens] : std::vector<std::pair<uint32_t, uint32_t>>{{6, 128}, {4, 64}}) {
    INFO("k " << k << " tokens " << tokens);
    const KDistribution fixed = KDistribution::fixed(k);
    RngStream structure_a(4), structure_b(4), tokens_a(100), tokens_b(200);
    SyntheticRouting per_token(zipf_parts(64, fixed, 1.2, structure_a), tokens_a);
    SyntheticRouting counts(zipf_parts(64, fixed, 1.2, structure_b), tokens_b);
    check_agreement(per_token, counts, tokens, k, zipf_inclusion(64, fixed, 1.2, 4), 8000);
  }
}

TEST_CASE("Count-level and per-token routing agree: dynamic k", "[routing][counts]") {
  const KDistribution k = KDistribution::with_mean(2, 6, 4.0);
  RngStream structure_a(6), structure_b(6), tokens_a(1), tokens_b(2);
  SyntheticRouting per_token(zipf_parts(32, k, 0.8, structure_a), tokens_a);
  SyntheticRouting counts(zipf_parts(32, k, 0.8, structure_b), tokens_b);
  // 512 tokens: about 100 for each k from 2 to 6 (uniform: the mean is the middle), each drawn
  // as counts.
  check_agreement(per_token, counts, 512, 0, zipf_inclusion(32, k, 0.8, 6), 8000);
}

TEST_CASE("Count-level and per-token routing agree: first choice and later choices differ",
          "[routing][counts]") {
  // The calibrated generator's form: a skewed first choice, later choices from other weights.
  std::vector<double> first(48), rest(48);
  RngStream weights(31);
  for (size_t e = 0; e < 48; ++e) {
    first[e] = std::pow(weights.uniform01(), 4.0);
    rest[e] = 0.2 + weights.uniform01();
  }
  const auto make = [&](RngStream& tokens) {
    SyntheticRoutingParts parts;
    parts.num_experts = 48;
    parts.k = KDistribution::fixed(4);
    parts.popularity = std::make_unique<FixedPopularity>(
        std::vector<LayerPopularity>{{AliasTable(first), AliasTable(rest)}},
        std::vector<uint32_t>{0});
    return std::make_unique<SyntheticRouting>(std::move(parts), tokens);
  };
  RngStream tokens_a(8), tokens_b(9);
  const auto per_token = make(tokens_a);
  const auto counts = make(tokens_b);
  check_agreement(*per_token, *counts, 96, 4,
                  successive_sampling_inclusion(normalised(first), normalised(rest), 4), 8000);
}

TEST_CASE("Count-level and per-token routing agree: the serving validation replay's routing",
          "[routing][counts]") {
  // Calibrated, like OLMoE-1B-7B on Tulu, on 128 experts top-8 (no measured transitions); the
  // same fit for both, different token streams.
  const auto measured = load_measured_routing(default_routing_stats_dir());
  const MeasuredRouting stats =
      reshape_measured_routing(measured.at({"OLMoE-1B-7B", "tulu"}), 128, 8);
  RngStream fit_a(7), fit_b(7), tokens_a(42), tokens_b(43);
  const auto per_token = make_calibrated_routing(stats, {}, tokens_a, fit_a);
  const auto counts = make_calibrated_routing(stats, {}, tokens_b, fit_b);
  check_agreement(*per_token, *counts, 128, 8, {}, 8000);
}

TEST_CASE("Count-level and per-token routing agree: uniform", "[routing][counts]") {
  RngStream a(1), b(2);
  UniformRouting per_token({16, 2}, a), counts({16, 2}, b);
  check_agreement(per_token, counts, 64, 2, std::vector<double>(16, 2.0 / 16.0), 8000);
}
