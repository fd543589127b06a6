#pragma once
/// Streamed weights (`serving.weights: host`), the setting of MoE-Lens (Yuan, Ma, Talati,
/// arXiv 2504.09345; shared/reference/strategies.md s2.1): every weight sits in pinned host
/// memory and is streamed layer by layer over the GPU's host link into a GPU buffer of two
/// decoder layers; the GPU runs every GEMM (all experts, nothing cached); the KV cache lives in
/// host DRAM and the CPU sockets run decode attention over it. docs/serving.md, "Streamed
/// weights", gives the memory plan and the iteration time this drives.

#include <cstdint>
#include <string>

#include "models/model_card.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct HostOffload {
  CpuSpec cpu;                  ///< one socket (topologies/catalogue/cpus.yaml)
  uint32_t sockets = 1;         ///< sockets running decode attention, all of them together
  double kv_cache_bytes = 0.0;  ///< host memory given to the KV cache, bytes
  LinkSpec host_link;           ///< the GPU's link to the host (its `host_link`)

  /// Host memory bandwidth of all sockets, bytes/s: what the CPU's decode attention reads the
  /// KV cache at (bandwidth-bound, as MoE-Lens's AVX-512 kernel is).
  double cpu_memory_bandwidth() const { return cpu.memory_bandwidth * sockets; }
  /// Vector FLOP/s of all sockets (the catalogue's fp32 figure).
  double cpu_flops() const { return cpu.vector_flops * sockets; }
  /// Seconds to stream `bytes` host to device: bytes over the link's bandwidth per direction.
  double transfer_s(double bytes) const { return bytes / host_link.bandwidth; }
};

/// Bytes of decoder layer `layer`'s weights in the card's formats (scales included), every
/// routed expert counted (all of them are streamed: nothing is cached on the GPU): the
/// weight_bytes of the layer's operators with every expert active. Norm weights (2 x hidden
/// elements) are left out, as the roofline leaves them out of the bytes it reads.
double layer_weight_bytes(const ModelCard& card, uint32_t layer);

/// Bytes of the input embedding and the LM head (one matrix when tied), which stay resident on
/// the GPU: they are touched in every iteration outside the layer pipeline, and at vocab x
/// hidden each they are small next to a decoder layer of an MoE model.
double resident_head_bytes(const ModelCard& card);

}  // namespace moesim
