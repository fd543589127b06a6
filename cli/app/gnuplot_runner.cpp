#include "cli/app/gnuplot_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "cli/app/external_command.h"
#include "cli/interrupt_cleanup.h"

extern char** environ;

namespace moesim {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool gnuplot_available() {
  return on_path("gnuplot");
}

void run_gnuplot(const fs::path& dir, const std::string& name, const std::string& script) {
  if (!gnuplot_available()) {
    throw std::runtime_error(
        "gnuplot not found on the PATH: install Debian's gnuplot-nox (scripts/setup.sh does)");
  }
  {
    std::ofstream out(dir / name);
    out << script;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", (dir / name).string()));
  }
  const fs::path log = dir / (name + ".log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  // gnuplot gets the signals InterruptCleanup blocks in this process: Ctrl-C stops it too.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv{const_cast<char*>("gnuplot"), const_cast<char*>(name.c_str()), nullptr};
  pid_t pid = 0;
  int spawned = 0;
  {
    // Spawned under the interrupt lock, so an interrupt finds it registered or comes first.
    const auto held = InterruptCleanup::lock();
    spawned = posix_spawnp(&pid, "gnuplot", &actions, &attributes, argv.data(), environ);
    if (spawned == 0) InterruptCleanup::add_child(pid, held);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    throw std::runtime_error(fmt::format("cannot start gnuplot: {}", std::strerror(spawned)));
  }
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  InterruptCleanup::remove_child(pid, InterruptCleanup::lock());
  if (waited < 0) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  const std::string errors = read_all(log);
  fs::remove(log);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(fmt::format("gnuplot failed on {}: {}", name, errors));
  }
}

}  // namespace moesim
