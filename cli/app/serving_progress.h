#pragma once
/// Progress of a serving run on a terminal (stderr): simulated time, requests done, wall time
/// and an estimate of the wall time left, one line rewritten in place about twice a second.
/// Nothing is written when stderr is not a terminal, and nothing it writes reaches a file the
/// run produces, so outputs stay byte-identical.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

#include "models/engine/serving/serving_simulation.h"

namespace moesim {

class ServingProgress {
 public:
  /// Connects to `sim` (which must outlive this object) when `enabled`; writes a line at most
  /// every `interval` of wall time.
  ServingProgress(ServingSimulation& sim, std::ostream& out, bool enabled,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  /// Disconnects from the simulation and ends the progress line, if one was written.
  ~ServingProgress();

  ServingProgress(const ServingProgress&) = delete;
  ServingProgress& operator=(const ServingProgress&) = delete;

  /// Whether stderr is a terminal (the default of `enabled`).
  static bool stderr_is_terminal();

 private:
  void on_iteration(const IterationRecord& record);

  ServingSimulation* sim_;
  std::optional<Signal<IterationRecord>::Connection> connection_;
  std::ostream* out_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_, last_;
  uint64_t iterations_ = 0;
  bool written_ = false;
};

}  // namespace moesim
