// The cases users reported where `moesim` deleted or replaced their data, run through the CLI:
// each now exits 2 with one line naming the path, and leaves every file byte for byte as it was
// with nothing created beside it. Also: staging of killed or interrupted runs does not survive.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <catch2/catch.hpp>

#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::run_cli_in;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

/// Every file under `dir` (relative path -> content), and every folder (-> "<dir>"): a
/// snapshot to compare byte for byte after a refused command.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    files[rel] = e.is_directory() ? "<dir>" : read_text(e.path());
  }
  return files;
}

/// The paths under `dir` that `before` did not hold, one per line: a failure names what was left.
std::string added_since(const std::map<std::string, std::string>& before, const fs::path& dir) {
  std::string added;
  for (const auto& [path, content] : snapshot(dir)) {
    if (!before.contains(path)) added += path + "\n";
  }
  return added;
}

/// Exit code 2 and one line on stderr that starts as given.
void check_refused(const moesim::test::CliResult& r, const std::string& start) {
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, StartsWith("moesim: error: " + start));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

const std::string kNotResult =
    ": exists and is not a moesim result folder (it has no .moesim-result marker); choose "
    "another --out path or remove it";

/// A serving scenario in `dir` that runs for minutes (tests stop it long before): 100000
/// requests of 4000 generated tokens each.
fs::path write_long_scenario(const fs::path& dir) {
  std::string requests = "request_id,arrival_s,input_tokens,output_tokens\n";
  for (int i = 0; i < 100000; ++i) {
    requests += std::to_string(i) + "," + std::to_string(i / 1000) + ".000000,500,4000\n";
  }
  write_text(dir / "long.requests.csv", requests);
  const std::string small = read_text(source_path("tests/scenarios/serving_small.yaml"));
  write_text(dir / "long.yaml",
             replace_once(replace_once(small, "serving_small.requests.csv", "long.requests.csv"),
                          "name: serving_small", "name: long"));
  return dir / "long.yaml";
}

}  // namespace

namespace {

/// Starts moesim with `args`, its stdout and stderr into `log`; returns its pid.
pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> words = {MOESIM_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The signals as a shell would leave them, whatever Catch installed in this process.
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

/// Starts `moesim run` of the long scenario into `out` and waits until its staging exists, so a
/// signal finds a run in progress. The run lasts minutes, so the wait is not a race with its end.
pid_t start_long_run(const fs::path& scenario, const fs::path& out, const fs::path& log) {
  const pid_t pid = spawn_cli({"run", scenario.string(), "--out", out.string(), "--quiet"}, log);
  REQUIRE(pid > 0);
  fs::path staging = out;
  staging += ".partial-" + std::to_string(pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!fs::exists(staging / ".moesim-result")) {
    int status = 0;
    const bool ended = ::waitpid(pid, &status, WNOHANG) == pid;
    const bool late = std::chrono::steady_clock::now() > deadline;
    if (ended || late) {
      if (!ended) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
      }
      FAIL("moesim run ended or never staged " << staging << ": " << read_text(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return pid;
}

}  // namespace

TEST_CASE("run --out the scenario's own folder deletes nothing", "[output_safety][cli]") {
  TempDir dir("cli-safety-own");
  write_text(dir / "sub" / "quickstart.yaml", read_text(source_path("scenarios/quickstart.yaml")));
  write_text(dir / "sub" / "notes.txt", "my notes");
  const auto before = snapshot(dir.path());
  for (const char* out : {"sub", "sub/"}) {
    INFO(out);
    const auto r =
        run_cli({"run", (dir / "sub" / "quickstart.yaml").string(), "--out", (dir / out).string()});
    check_refused(r, (dir / "sub").string() + kNotResult);
    CHECK(snapshot(dir.path()) == before);
  }
}

TEST_CASE("run --out a user's folder deletes nothing", "[output_safety][cli]") {
  TempDir dir("cli-safety-folder");
  write_text(dir / "mydata" / "results.csv", "a,b\n1,2\n");
  write_text(dir / "mydata" / "raw" / "run1.bin", std::string("\0\xff\n", 3));
  const auto before = snapshot(dir.path());
  const std::string quickstart = source_path("scenarios/quickstart.yaml").string();
  check_refused(run_cli_in(dir.path(), {"run", quickstart, "--out", "mydata"}),
                "mydata" + kNotResult);
  check_refused(run_cli({"run", quickstart, "--out", (dir / "mydata").string()}),
                (dir / "mydata").string() + kNotResult);
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("run, validate and trace stats refuse --out naming a file or a link",
          "[output_safety][cli]") {
  TempDir dir("cli-safety-file");
  REQUIRE(run_cli({"trace", "generate", "--model", "OLMoE-1B-7B", "--generator", "uniform",
                   "--tokens", "10", "--out", (dir / "t.jsonl").string()})
              .exit_code == 0);
  write_text(dir / "outfile", "a user's file\n");
  fs::create_directory(dir / "target");
  fs::create_directory_symlink("target", dir / "link");
  const auto before = snapshot(dir.path());
  const std::string file = (dir / "outfile").string();
  const std::string file_refused =
      file + ": exists and is not a moesim result folder; choose another --out path or remove it";
  const std::string quickstart = source_path("scenarios/quickstart.yaml").string();
  check_refused(run_cli({"run", quickstart, "--out", file}), file_refused);
  check_refused(run_cli({"validate", "--suite", "comm", "--out", file}), file_refused);
  check_refused(run_cli({"trace", "stats", (dir / "t.jsonl").string(), "--out", file}),
                file_refused);
  const std::string link = (dir / "link").string();
  check_refused(run_cli({"run", quickstart, "--out", link}),
                link + ": is a symbolic link, not a moesim result folder");
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("a scenario name that is not one folder name is refused", "[output_safety][cli]") {
  TempDir dir("cli-safety-name");
  // A previous result under the default out/, which an empty name used to replace.
  write_text(dir / "work" / "out" / "previous" / "summary.txt", "previous result\n");
  const std::string quickstart = read_text(source_path("scenarios/quickstart.yaml"));
  const int line = moesim::test::line_of(quickstart, "name: quickstart");
  for (const std::string name : {"\"\"", "../../x", "a/b", ".", ".hidden"}) {
    INFO(name);
    write_text(dir / "s.yaml", replace_once(quickstart, "name: quickstart", "name: " + name));
    const auto before = snapshot(dir.path());
    const auto r = run_cli_in(dir / "work", {"run", (dir / "s.yaml").string()});
    check_refused(r, (dir / "s.yaml").string() + ":" + std::to_string(line) + ": name: ");
    CHECK(snapshot(dir.path()) == before);
  }
  CHECK_FALSE(fs::exists(dir / "x"));
}

TEST_CASE("rerunning into a previous result replaces it whole", "[output_safety][cli]") {
  TempDir dir("cli-safety-rerun");
  const std::string quickstart = source_path("scenarios/quickstart.yaml").string();
  const fs::path out = dir / "q";
  REQUIRE(run_cli({"run", quickstart, "--out", out.string(), "--quiet"}).exit_code == 0);
  CHECK(fs::is_regular_file(out / ".moesim-result"));
  write_text(out / "from-an-older-run.txt", "x");
  REQUIRE(run_cli({"run", quickstart, "--out", out.string(), "--quiet"}).exit_code == 0);
  CHECK_FALSE(fs::exists(out / "from-an-older-run.txt"));
  CHECK(fs::is_regular_file(out / "summary.txt"));
  CHECK(fs::is_regular_file(out / ".moesim-result"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("SIGTERM or SIGINT during a run removes its staging", "[output_safety][cli]") {
  TempDir dir("cli-safety-signal");
  TempDir logs("cli-safety-signal-log");
  const fs::path scenario = write_long_scenario(dir.path());
  const auto before = snapshot(dir.path());
  for (const int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    const pid_t pid = start_long_run(scenario, dir / "res", logs / "log");
    REQUIRE(::kill(pid, sig) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO("moesim's output: " << read_text(logs / "log"));
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK(added_since(before, dir.path()) == std::string());
    CHECK(snapshot(dir.path()) == before);
  }
}

TEST_CASE("the staging of a killed run is removed by the next run", "[output_safety][cli]") {
  TempDir dir("cli-safety-killed");
  TempDir logs("cli-safety-killed-log");
  const fs::path scenario = write_long_scenario(dir.path());
  const pid_t pid = start_long_run(scenario, dir / "res", logs / "log");
  REQUIRE(::kill(pid, SIGKILL) == 0);  // no cleanup possible: as a crash or an OOM kill
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  const fs::path staging = dir / ("res.partial-" + std::to_string(pid));
  REQUIRE(fs::exists(staging));
  fs::create_directory(dir / ("res.old-" + std::to_string(pid)));
  write_text(dir / ("res.old-" + std::to_string(pid)) / ".moesim-result", "");

  const auto r = run_cli({"run", source_path("scenarios/quickstart.yaml").string(), "--out",
                          (dir / "res").string(), "--quiet"});
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(fs::exists(staging));
  CHECK_FALSE(fs::exists(dir / ("res.old-" + std::to_string(pid))));
  CHECK(fs::is_regular_file(dir / "res" / "summary.txt"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 3);
}
