#pragma once
/// `moesim sweep run`: runs each point of a sweep as a child `moesim run` process, a few at
/// once, into DIR/points/ID, skipping points whose result is already there.

#include <cstddef>
#include <string>

namespace moesim {

struct SweepRunOptions {
  std::string scenario;  ///< scenario file with a `sweep:` block
  std::string out_dir;   ///< the sweep folder
  size_t jobs = 1;       ///< child runs at once (>= 1)
  std::string shard;     ///< "i/N": only points with index mod N == i; "" for all
};

/// Which points a shard runs.
struct SweepShard {
  size_t index = 0;  ///< i, 0-based, < count
  size_t count = 1;  ///< N >= 1
};

/// Parses "i/N" (ConfigError naming --shard unless 0 <= i < N).
SweepShard parse_shard(const std::string& text);

/// Expands the sweep, prepares the folder, writes points.csv and runs the points of the shard
/// that have no metrics.json. Progress goes to stderr. Returns 0, or 1 if any point failed
/// (its stderr kept in DIR/points/ID.log). ConfigError for a bad sweep or folder.
int run_sweep(const SweepRunOptions& options);

}  // namespace moesim
