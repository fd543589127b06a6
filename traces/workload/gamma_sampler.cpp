#include "traces/workload/gamma_sampler.h"

#include <cmath>
#include <stdexcept>

namespace moesim {

double sample_gamma(RngStream& rng, double shape, double scale) {
  if (!(shape > 0.0) || !(scale > 0.0) || !std::isfinite(shape) || !std::isfinite(scale)) {
    throw std::invalid_argument("sample_gamma needs finite shape > 0 and scale > 0");
  }
  if (shape < 1.0) {
    const double u = 1.0 - rng.uniform01();  // (0, 1], so the power is finite
    return sample_gamma(rng, shape + 1.0, scale) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = rng.normal(0.0, 1.0);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - rng.uniform01();  // (0, 1]
    // The squeeze accepts most draws without a logarithm; the log test is exact.
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

}  // namespace moesim
