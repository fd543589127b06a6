#include "cli/app/sweep_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "cli/app/external_command.h"
#include "cli/app/sweep_folder.h"
#include "cli/app/sweep_spec.h"
#include "cli/interrupt_cleanup.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/config_error.h"

namespace moesim {
namespace fs = std::filesystem;
namespace {

/// What a started child needs when it ends.
struct Running {
  const SweepPoint* point = nullptr;
  fs::path log;
};

/// Starts `moesim run SCENARIO --set ... --out DIR/points/ID --quiet --no-trace`, its stderr
/// into `log` and its stdout discarded. Returns the child's pid.
pid_t start_point(const std::string& exe, const std::string& scenario, const SweepPoint& point,
                  const fs::path& out, const fs::path& log) {
  std::vector<std::string> args{exe, "run", scenario};
  for (const ScenarioOverride& o : point.overrides) {
    args.push_back("--set");
    args.push_back(o.path + "=" + o.value);
  }
  args.push_back("--out");
  args.push_back(out.string());
  args.push_back("--quiet");
  args.push_back("--no-trace");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Opened before fork: between fork and exec the child may only make async-signal-safe calls.
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw std::runtime_error(
        fmt::format("{}: cannot create: {}", log.string(), std::strerror(errno)));
  }
  // Forked under the interrupt lock, so an interrupt either finds the child registered or
  // comes before it exists.
  auto held = InterruptCleanup::lock();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The signals InterruptCleanup blocks are unblocked again: the child installs its own.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  InterruptCleanup::add_child(pid, held);
  return pid;
}

std::string format_seconds(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

}  // namespace

SweepShard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  const auto whole = [](const std::string& s) {
    return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (slash != std::string::npos && whole(text.substr(0, slash)) && whole(text.substr(slash + 1))) {
    const SweepShard shard{std::stoul(text.substr(0, slash)), std::stoul(text.substr(slash + 1))};
    if (shard.count >= 1 && shard.index < shard.count) return shard;
  }
  throw ConfigError(fmt::format(
      "--shard {}: expected i/N with whole numbers 0 <= i < N (e.g. --shard 0/4)", text));
}

int run_sweep(const SweepRunOptions& options) {
  const SweepShard shard = options.shard.empty() ? SweepShard{} : parse_shard(options.shard);
  const StrategyCatalog catalog = builtin_strategies();
  const SweepSpec spec = read_sweep_spec(options.scenario);
  const std::vector<SweepPoint> points = expand_sweep(spec, catalog);

  const fs::path dir(options.out_dir);
  prepare_sweep_folder(dir);
  // Shards find it written by `sweep submit` or another shard, and leave it as it is.
  const std::string points_csv = format_points_csv(spec, points);
  std::ifstream existing(dir / "points.csv", std::ios::binary);
  const std::string current((std::istreambuf_iterator<char>(existing)),
                            std::istreambuf_iterator<char>());
  if (current != points_csv) write_whole_file(dir / "points.csv", points_csv);

  std::vector<const SweepPoint*> to_run;
  size_t done_before = 0;
  for (const SweepPoint& point : points) {
    if (point.index % shard.count != shard.index) continue;
    if (fs::exists(dir / "points" / point.id / "metrics.json")) {
      ++done_before;
    } else {
      to_run.push_back(&point);
    }
  }
  std::cerr << fmt::format("sweep: {} points{}, {} already done, {} to run, {} at once\n",
                           points.size(),
                           options.shard.empty() ? "" : fmt::format(" (shard {})", options.shard),
                           done_before, to_run.size(), options.jobs);

  const std::string exe = own_executable();
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  std::map<pid_t, Running> running;
  size_t next = 0;
  size_t finished = 0;
  size_t failed = 0;
  const size_t jobs = std::max<size_t>(1, options.jobs);
  // A failure of the runner itself (a log it cannot create, fork, waitpid) stops the points
  // still running and waits for them before it is reported: none goes on writing alone.
  const auto stop_running = [&running]() {
    for (const auto& [pid, point] : running) ::kill(pid, SIGTERM);
    for (const auto& [pid, point] : running) {
      int ignored = 0;
      while (::waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {
      }
      InterruptCleanup::remove_child(pid, InterruptCleanup::lock());
    }
    running.clear();
  };
  try {
    while (next < to_run.size() || !running.empty()) {
      while (next < to_run.size() && running.size() < jobs) {
        const SweepPoint& point = *to_run[next++];
        {
          std::ofstream runs(dir / "runs.log", std::ios::app);
          runs << point.id << '\n';
        }
        const fs::path log = dir / "points" / (point.id + ".log");
        const pid_t pid = start_point(exe, options.scenario, point, dir / "points" / point.id, log);
        running[pid] = {&point, log};
      }
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
      }
      InterruptCleanup::remove_child(pid, InterruptCleanup::lock());
      const auto it = running.find(pid);
      if (it == running.end()) continue;
      const Running ended = it->second;
      running.erase(it);
      ++finished;
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      std::string outcome = "done";
      if (ok) {
        std::error_code ec;
        fs::remove(ended.log, ec);
      } else {
        ++failed;
        outcome = fmt::format("FAILED ({}; see {})",
                              WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                                : fmt::format("signal {}", WTERMSIG(status)),
                              ended.log.string());
      }
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double eta =
          elapsed / static_cast<double>(finished) * static_cast<double>(to_run.size() - finished);
      const std::string line =
          fmt::format("[{}/{}] {} {}, {} running, ETA {}", finished, to_run.size(), ended.point->id,
                      outcome, running.size(), format_seconds(eta));
      if (terminal && ok) {
        std::cerr << "\r" << line << "\033[K" << std::flush;
      } else {
        std::cerr << (terminal ? "\r" : "") << line << (terminal ? "\033[K\n" : "\n");
      }
    }
  } catch (...) {
    stop_running();
    throw;
  }
  if (terminal && finished > 0) std::cerr << '\n';
  std::cerr << fmt::format(
      "sweep: {} run, {} failed; results in {}/points (moesim sweep collect "
      "{})\n",
      finished - failed, failed, dir.string(), dir.string());
  return failed == 0 ? 0 : 1;
}

}  // namespace moesim
