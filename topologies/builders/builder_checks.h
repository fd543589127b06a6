#pragma once
/// Config checks shared by the topology builders. Each throws std::invalid_argument with a
/// message that names the parameter by its full path ("hgx.scale_up.bandwidth").

#include <cstdint>
#include <string>

#include "topologies/hardware_specs.h"

namespace moesim::builder_checks {

/// `spec.bandwidth` (bytes/s per direction) must be positive and finite and `spec.latency` not
/// negative; `what` names the spec, e.g. "hgx.host".
void require_link_spec(const LinkSpec& spec, const std::string& what);

/// `value` must be at least 1.
void require_positive(uint32_t value, const std::string& what);

/// `value` must be a multiple of `divisor` (> 0); the message names both parameters.
void require_divisible(uint32_t value, const std::string& what, uint32_t divisor,
                       const std::string& divisor_what);

}  // namespace moesim::builder_checks
