#include "cli/interrupt_cleanup.h"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

namespace moesim {

namespace fs = std::filesystem;

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<fs::path> dirs;
  std::vector<pid_t> children;
};

/// Never destroyed: the interrupt thread may still use it while static destructors run at exit.
Registry& registry() {
  static auto* r = new Registry;
  return *r;
}

/// The interrupt signals this process does not ignore. An ignored one stays ignored: `nohup`
/// and shells starting background jobs ignore SIGHUP or SIGINT on purpose, and a blocked signal
/// would reach sigwait() even though its action is to ignore it.
sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current = {};
    if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    sigaddset(&set, sig);
  }
  return set;
}

/// Removes `dir` and everything in it, trying again while it is still there: a removal fails
/// if an entry appears in the folder meanwhile (a file another thread opened just before).
/// Gives up after about a second rather than keep the process from ending.
void remove_tree(const fs::path& dir) {
  constexpr int kTries = 100;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (fs::symlink_status(dir, ec).type() == fs::file_type::not_found) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

[[noreturn]] void clean_up_and_die(int sig) {
  // Waits for a commit in progress to finish, then holds the lock until the process ends, so no
  // new output can be staged or committed behind the cleanup.
  auto held = InterruptCleanup::lock();
  for (const pid_t child : registry().children) kill(child, sig);
  for (const pid_t child : registry().children) waitpid(child, nullptr, 0);
  for (const fs::path& dir : registry().dirs) remove_tree(dir);
  // End the way the signal would have ended the process, so a parent (a shell, a script that
  // was itself interrupted) sees death by that signal: default action, then deliver it again.
  std::signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  std::raise(sig);
  _exit(128 + sig);  // only if the signal somehow did not end the process
}

}  // namespace

void InterruptCleanup::install() {
  const sigset_t set = interrupt_signals();
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    throw std::runtime_error("cannot block interrupt signals");
  }
  std::thread([set] {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    clean_up_and_die(sig);
  }).detach();
}

std::unique_lock<std::mutex> InterruptCleanup::lock() {
  return std::unique_lock<std::mutex>(registry().mutex);
}

void InterruptCleanup::add(const fs::path& dir, const std::unique_lock<std::mutex>& /*held*/) {
  registry().dirs.push_back(dir);
}

void InterruptCleanup::remove(const fs::path& dir, const std::unique_lock<std::mutex>& /*held*/) {
  auto& dirs = registry().dirs;
  const auto it = std::find(dirs.begin(), dirs.end(), dir);
  if (it != dirs.end()) dirs.erase(it);
}

void InterruptCleanup::add_child(pid_t pid, const std::unique_lock<std::mutex>& /*held*/) {
  registry().children.push_back(pid);
}

void InterruptCleanup::remove_child(pid_t pid, const std::unique_lock<std::mutex>& /*held*/) {
  auto& children = registry().children;
  children.erase(std::remove(children.begin(), children.end(), pid), children.end());
}

}  // namespace moesim
