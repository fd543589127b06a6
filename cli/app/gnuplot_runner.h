#pragma once
/// Runs Debian's gnuplot (package gnuplot-nox, installed by scripts/setup.sh) on a script in a
/// folder, so that the plots it writes land next to the script and its data.

#include <filesystem>
#include <string>

namespace moesim {

/// Whether a `gnuplot` executable is on the PATH.
bool gnuplot_available();

/// Writes `script` to `dir`/`name` and runs `gnuplot name` in `dir`. Throws std::runtime_error
/// when gnuplot is missing or fails (with its stderr).
void run_gnuplot(const std::filesystem::path& dir, const std::string& name,
                 const std::string& script);

}  // namespace moesim
