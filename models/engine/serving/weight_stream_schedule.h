#pragma once
/// The decoder layers of one iteration with streamed weights (serving.weights: host,
/// models/engine/serving/host_offload.h): a GPU buffer of two layers, so the transfer of layer
/// l + 1 over the host link runs beside the compute of layer l (MoE-Lens's double buffer,
/// arXiv 2504.09345), and the CPU's decode attention beside the GPU's operators of the same
/// layer (MoE-Lens's VSLPipe overlaps the two on alternating token groups; here the overlap is
/// taken as perfect, the hardware limit). With L layers:
///
///   span = transfer_0 + sum over l < L of max(transfer_{l+1}, gpu_l, cpu_l),  transfer_L = 0
///
/// transfer_0 is the prologue (nothing computes before the first layer is in); the last layer
/// has nothing left to load beside it (the epilogue). A step starts when the previous layer's
/// compute and this layer's transfer have both ended: then the buffer slot of layer l - 1 is
/// free for layer l + 1, so the two-slot buffer never holds the transfer back further.
///
/// Split into components that add up to the span: every layer's GPU time (attention, dense,
/// MoE, collectives: counted where they are today), the CPU attention where it outlasts the
/// GPU's work of its layer, and the exposed streaming (the prologue and wherever a transfer
/// outlasts both).

#include <span>

namespace moesim {

/// One decoder layer, microseconds.
struct StreamedLayer {
  double transfer_us = 0;  ///< its weights over the host link
  double gpu_us = 0;       ///< its GPU operators (decode attention core excluded)
  double cpu_us = 0;       ///< its decode attention on the CPU sockets
};

struct StreamedSpan {
  double span_us = 0;              ///< the layers' time, as above
  double exposed_cpu_us = 0;       ///< sum of max(0, cpu_l - gpu_l)
  double exposed_transfer_us = 0;  ///< transfer_0 + sum of max(0, transfer_{l+1} - compute_l)
};

/// The span of `layers` in order. Its parts add up: span = sum of gpu_l + exposed_cpu_us +
/// exposed_transfer_us (to rounding).
StreamedSpan stream_layers(std::span<const StreamedLayer> layers);

}  // namespace moesim
