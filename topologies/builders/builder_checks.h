#pragma once
/// Config checks shared by the topology builders. Each throws std::invalid_argument with a
/// message that names the parameter by its full path ("hgx.scale_up.bandwidth").

#include <cstdint>
#include <string>

#include "topologies/hardware_specs.h"

namespace moesim::builder_checks {

/// Most GPUs a builder builds (2^20). Far beyond the machines simulated, yet small enough that
/// a typo such as 10 million GPUs fails at once instead of allocating for minutes.
constexpr uint64_t kMaxGpus = uint64_t{1} << 20;

/// Most vertices of a graph written out node by node (the explicit builder), 2^22.
constexpr uint64_t kMaxVertices = uint64_t{1} << 22;

/// `gpus` (a count, computed in 64 bits) must be at most kMaxGpus; `what` says where the count
/// comes from, e.g. "multi_node.nodes x multi_node.node.gpus".
void require_gpu_count(uint64_t gpus, const std::string& what);

/// `spec.bandwidth` (bytes/s per direction) must be positive and finite and `spec.latency` not
/// negative; `what` names the spec, e.g. "hgx.host".
void require_link_spec(const LinkSpec& spec, const std::string& what);

/// `value` must be at least 1.
void require_positive(uint32_t value, const std::string& what);

/// `value` must be a multiple of `divisor` (> 0); the message names both parameters.
void require_divisible(uint32_t value, const std::string& what, uint32_t divisor,
                       const std::string& divisor_what);

}  // namespace moesim::builder_checks
