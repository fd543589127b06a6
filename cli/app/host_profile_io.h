#pragma once
/// Host profiles on disk: the YAML `moesim calibrate --suite cpu` writes and
/// `moesim validate --suite cpu --profile FILE` reads.

#include <string>

#include "models/cost_model/host_profile.h"

namespace moesim {

/// The first line of every host profile moesim writes: `calibrate --suite cpu` replaces only a
/// file that begins with it.
inline constexpr const char* kHostProfileMarker =
    "# Host profile measured by `moesim calibrate --suite cpu`";

std::string format_host_profile(const HostProfile& profile);

/// Throws ConfigError (file, line, key) for a missing file or bad content.
HostProfile load_host_profile(const std::string& path);

}  // namespace moesim
