#include "cli/app/serving_progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace moesim {
namespace {

// The wall clock is read every this many iterations.
constexpr uint64_t kIterationsPerCheck = 64;

}  // namespace

ServingProgress::ServingProgress(ServingSimulation& sim, std::ostream& out, bool enabled,
                                 std::chrono::milliseconds interval)
    : sim_(&sim),
      out_(&out),
      interval_(interval),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {
  if (enabled) {
    connection_ =
        sim.iteration_started.connect([this](const IterationRecord& r) { on_iteration(r); });
  }
}

ServingProgress::~ServingProgress() {
  if (connection_) sim_->iteration_started.disconnect(*connection_);
  if (written_) *out_ << "\r\033[K" << std::flush;  // leaves the terminal as it was
}

bool ServingProgress::stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

void ServingProgress::on_iteration(const IterationRecord& record) {
  if (++iterations_ % kIterationsPerCheck != 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const size_t done = sim_->finished(), total = sim_->requests().size();
  std::string eta = "ETA --";
  if (done > 0) {
    eta = fmt::format("ETA {:.0f} s",
                      wall * static_cast<double>(total - done) / static_cast<double>(done));
  }
  *out_ << fmt::format("\r\033[Ksimulated {:.3f} s, {}/{} requests done, {:.0f} s wall, {}",
                       record.start.seconds(), done, total, wall, eta)
        << std::flush;
  written_ = true;
}

}  // namespace moesim
