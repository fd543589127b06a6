#pragma once
/// Removes the staging folders of unfinished outputs when the process is interrupted (SIGINT,
/// SIGTERM, SIGHUP, each unless the process was started with it ignored, as under nohup), then
/// lets the signal end the process (the shell sees 128 + signal).
///
/// Why a thread and not a signal handler: removing a directory tree allocates and walks
/// directories, which is not async-signal-safe, and the signal can arrive while the main thread
/// holds the allocator's lock. install() blocks the signals in the main thread, so every later
/// thread inherits the block, and starts one thread that takes them with sigwait(). That thread
/// runs ordinary code, so it may use std::filesystem; the registry's mutex keeps it from
/// deleting a folder while OutputDirectory is creating or committing it.

#include <sys/types.h>

#include <filesystem>
#include <mutex>

namespace moesim {

class InterruptCleanup {
 public:
  /// Call once, first thing in main, while the process has only one thread. Without it (as in
  /// the unit tests) the registry is kept but signals keep their default action.
  static void install();

  /// While the returned lock is held, an interrupt waits: the registry, and the folders it
  /// names, change only under the lock's owner.
  static std::unique_lock<std::mutex> lock();

  /// `dir` is removed if an interrupt arrives before remove(dir). `held` is the lock from
  /// lock(), passed as proof that the caller holds it.
  static void add(const std::filesystem::path& dir, const std::unique_lock<std::mutex>& held);
  static void remove(const std::filesystem::path& dir, const std::unique_lock<std::mutex>& held);

  /// A child process (a point of `moesim sweep run`) that an interrupt passes its signal to and
  /// waits for before this process ends, so the child removes its own staging and no run is left
  /// behind writing into the sweep. Fork under the lock and add the child before releasing it.
  static void add_child(pid_t pid, const std::unique_lock<std::mutex>& held);
  /// The child has ended (reaped): it is forgotten.
  static void remove_child(pid_t pid, const std::unique_lock<std::mutex>& held);
};

}  // namespace moesim
