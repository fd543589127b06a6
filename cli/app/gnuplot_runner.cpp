#include "cli/app/gnuplot_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

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
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((fs::path(dir) / "gnuplot").c_str(), X_OK) == 0) return true;
  }
  return false;
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
  std::vector<char*> argv{const_cast<char*>("gnuplot"), const_cast<char*>(name.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::runtime_error(fmt::format("cannot start gnuplot (errno {})", spawned));
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string errors = read_all(log);
  fs::remove(log);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(fmt::format("gnuplot failed on {}: {}", name, errors));
  }
}

}  // namespace moesim
