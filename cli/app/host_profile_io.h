#pragma once
/// Host profiles on disk: the YAML `moesim calibrate --suite cpu` writes and
/// `moesim validate --suite cpu --profile FILE` reads.

#include <string>

#include "models/cost_model/host_profile.h"

namespace moesim {

std::string format_host_profile(const HostProfile& profile);

/// Throws ConfigError (file, line, key) for a missing file or bad content.
HostProfile load_host_profile(const std::string& path);

}  // namespace moesim
