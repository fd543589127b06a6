#include "traces/coactivation_sampler.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {
namespace {

/// Tokens per generator batch: bounds the routing buffer (batch x k ids) for long samples.
constexpr uint64_t kBatchTokens = 65536;

}  // namespace

std::vector<std::vector<double>> sample_coactivation(RoutingGenerator& generator, uint64_t tokens,
                                                     uint32_t layers, uint32_t experts) {
  if (experts == 0) throw std::invalid_argument("co-activation sampling needs experts");
  const size_t e = experts;
  std::vector<std::vector<double>> counts(layers, std::vector<double>(e * e, 0.0));
  TokenRouting routing;
  std::vector<uint32_t> chosen;
  for (uint64_t done = 0; done < tokens;) {
    const auto batch = static_cast<uint32_t>(std::min(kBatchTokens, tokens - done));
    // Layers in order for one batch: generators may carry a token's state across layers.
    for (uint32_t layer = 0; layer < layers; ++layer) {
      generator.generate(layer, batch, routing);
      auto& matrix = counts[layer];
      for (size_t t = 0; t < routing.tokens(); ++t) {
        const auto choices = routing.choices(t);
        chosen.assign(choices.begin(), choices.end());
        std::sort(chosen.begin(), chosen.end());
        chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
        if (!chosen.empty() && chosen.back() >= experts) {
          throw std::invalid_argument(fmt::format(
              "co-activation sampling: expert {} chosen, outside [0, {})", chosen.back(), experts));
        }
        for (size_t a = 0; a < chosen.size(); ++a) {
          matrix[chosen[a] * e + chosen[a]] += 1.0;
          for (size_t b = a + 1; b < chosen.size(); ++b) {
            matrix[chosen[a] * e + chosen[b]] += 1.0;
            matrix[chosen[b] * e + chosen[a]] += 1.0;
          }
        }
      }
    }
    done += batch;
  }
  return counts;
}

}  // namespace moesim
