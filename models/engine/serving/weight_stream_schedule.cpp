#include "models/engine/serving/weight_stream_schedule.h"

#include <algorithm>

namespace moesim {

StreamedSpan stream_layers(std::span<const StreamedLayer> layers) {
  StreamedSpan s;
  if (layers.empty()) return s;
  s.exposed_transfer_us = layers.front().transfer_us;  // the prologue
  s.span_us = layers.front().transfer_us;
  for (size_t l = 0; l < layers.size(); ++l) {
    const StreamedLayer& layer = layers[l];
    const double next = l + 1 < layers.size() ? layers[l + 1].transfer_us : 0.0;
    const double compute = std::max(layer.gpu_us, layer.cpu_us);
    s.span_us += std::max(next, compute);
    s.exposed_cpu_us += std::max(0.0, layer.cpu_us - layer.gpu_us);
    s.exposed_transfer_us += std::max(0.0, next - compute);
  }
  return s;
}

}  // namespace moesim
