// OutputDirectory never loses a user's data: it replaces only a folder it marked as its result
// (or an empty one), refuses anything else before creating or deleting anything, removes the
// staging of dead processes, and an interrupted process removes its own staging.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "cli/interrupt_cleanup.h"
#include "cli/output_directory.h"
#include "cli/owned_file.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::ConfigError;
using moesim::OutputDirectory;
using moesim::OwnedFile;
using moesim::test::read_text;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

size_t entries_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

/// The message of the ConfigError that constructing an OutputDirectory at `path` throws.
std::string refusal(const fs::path& path) {
  try {
    OutputDirectory out(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("no ConfigError for " << path);
  return "";
}

/// A pid that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) _exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

/// A folder as moesim stages one: with the marker and a file.
void make_marked(const fs::path& dir) {
  write_text(dir / OutputDirectory::kMarker, "marker");
  write_text(dir / "summary.txt", "old");
}

}  // namespace

TEST_CASE("a committed result carries the marker and is replaced by the next run",
          "[output_safety]") {
  TempDir dir("safety-replace");
  const fs::path result = dir / "result";
  {
    OutputDirectory first(result);
    first.write("only-in-first.txt", "1");
    first.commit();
  }
  CHECK(fs::is_regular_file(result / OutputDirectory::kMarker));
  {
    OutputDirectory second(result);
    second.write("summary.txt", "2");
    second.commit();
  }
  CHECK(read_text(result / "summary.txt") == "2");
  CHECK_FALSE(fs::exists(result / "only-in-first.txt"));
  CHECK(fs::is_regular_file(result / OutputDirectory::kMarker));
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a folder without the marker, a file or a symbolic link is refused untouched",
          "[output_safety]") {
  TempDir dir("safety-refuse");
  write_text(dir / "mydata" / "notes.txt", "my notes");
  write_text(dir / "mydata" / "deep" / "data.bin", std::string("\0\1\2", 3));
  write_text(dir / "outfile", "a user's file");
  fs::create_directory(dir / "previous");
  make_marked(dir / "previous");
  fs::create_directory_symlink(dir / "previous", dir / "link");

  CHECK_THAT(refusal(dir / "mydata"),
             StartsWith((dir / "mydata").string() +
                        ": exists and is not a moesim result folder (it has no .moesim-result "
                        "marker); choose another --out path or remove it"));
  CHECK_THAT(refusal(dir / "mydata/"), StartsWith((dir / "mydata").string() + ": exists"));
  CHECK_THAT(refusal(dir / "outfile"), Contains(": exists and is not a moesim result folder"));
  // A link is refused even when it points at a result: replacing it would replace the link.
  CHECK_THAT(refusal(dir / "link"), Contains(": is a symbolic link"));
  CHECK_THAT(refusal(dir / "mydata" / ".."), Contains("not a folder name"));

  CHECK(read_text(dir / "mydata" / "notes.txt") == "my notes");
  CHECK(read_text(dir / "mydata" / "deep" / "data.bin") == std::string("\0\1\2", 3));
  CHECK(entries_in(dir / "mydata") == 2);
  CHECK(read_text(dir / "outfile") == "a user's file");
  CHECK(fs::is_symlink(dir / "link"));
  CHECK(read_text(dir / "previous" / "summary.txt") == "old");
  // Nothing was staged beside them.
  CHECK(entries_in(dir.path()) == 4);
}

TEST_CASE("a folder that turns foreign before commit is kept", "[output_safety]") {
  TempDir dir("safety-race");
  const fs::path result = dir / "result";
  OutputDirectory out(result);
  out.write("summary.txt", "new");
  write_text(result / "mine.txt", "made while the run ran");
  CHECK_THROWS_AS(out.commit(), ConfigError);
  CHECK(read_text(result / "mine.txt") == "made while the run ran");
}

TEST_CASE("an empty folder is accepted as the output path", "[output_safety]") {
  // Nothing can be lost: rename(2) replaces a folder only while it is empty.
  TempDir dir("safety-empty");
  fs::create_directory(dir / "empty");
  OutputDirectory out(dir / "empty");
  out.write("summary.txt", "new");
  out.commit();
  CHECK(read_text(dir / "empty" / "summary.txt") == "new");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("stale staging of dead processes is removed, nothing else is", "[output_safety]") {
  TempDir dir("safety-stale");
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getppid());
  const std::vector<std::string> removed = {"result.partial-" + dead, "result.old-" + dead};
  const std::vector<std::string> kept_marked = {
      "result.partial-" + alive,       // its process still runs
      "result.partial-0" + dead,       // not a pid as printed
      "result.partial-" + dead + "x",  // not exactly the pattern
      "result.backup-" + dead,         // another tag
      "other.partial-" + dead,         // beside another output
  };
  for (const auto& name : removed) make_marked(dir / name);
  for (const auto& name : kept_marked) make_marked(dir / name);
  // The right name from a dead process, but without the marker: not moesim's, kept.
  write_text(dir / ("result.old-" + std::to_string(dead_pid())) / "user.txt", "keep");

  {
    OutputDirectory out(dir / "result");
    out.write("summary.txt", "new");
    out.commit();
  }
  for (const auto& name : removed) CHECK_FALSE(fs::exists(dir / name));
  for (const auto& name : kept_marked) CHECK(read_text(dir / name / "summary.txt") == "old");
  CHECK(entries_in(dir.path()) == 1 + kept_marked.size() + 1);
  CHECK(read_text(dir / "result" / "summary.txt") == "new");
}

TEST_CASE("staging under this process's own pid is stale, foreign staging is refused",
          "[output_safety]") {
  TempDir dir("safety-own-pid");
  const fs::path staging = dir / ("result.partial-" + std::to_string(::getpid()));
  make_marked(staging);
  {
    OutputDirectory out(dir / "result");
    CHECK_FALSE(fs::exists(staging / "summary.txt"));  // the old one was removed first
  }
  write_text(staging / "user.txt", "not moesim's");
  CHECK_THAT(refusal(dir / "result"), Contains("exists and is not staging"));
  CHECK(read_text(staging / "user.txt") == "not moesim's");
}

TEST_CASE("unsafe_folder_name accepts one plain folder name only", "[output_safety]") {
  for (const char* ok : {"quickstart", "a.b-c_d", "Run2", "x"}) {
    CHECK_FALSE(moesim::unsafe_folder_name(ok).has_value());
  }
  for (const char* bad :
       {"", ".", "..", ".hidden", "../../x", "a/b", "/abs", "with space", "a\\b", "tab\t"}) {
    INFO(bad);
    CHECK(moesim::unsafe_folder_name(bad).has_value());
  }
  CHECK(moesim::unsafe_folder_name(std::string(101, 'a')).has_value());
}

TEST_CASE("SIGTERM or SIGINT removes the staging of an unfinished output", "[output_safety]") {
  for (const int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    TempDir dir("safety-signal");
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // The child stages an output and waits; it never returns into Catch.
      ::close(ready[0]);
      try {
        ::signal(sig, SIG_DFL);  // as in a fresh process, not Catch's handler
        moesim::InterruptCleanup::install();
        OutputDirectory out(dir / "result");
        out.write("half.txt", "half-written");
        const char byte = 'r';
        if (::write(ready[1], &byte, 1) != 1) _exit(3);
        for (;;) ::sleep(1);
      } catch (...) {
        _exit(4);
      }
    }
    ::close(ready[1]);
    char byte = 0;
    // Blocks until the child has staged: no timing involved.
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    CHECK(fs::exists(dir / ("result.partial-" + std::to_string(pid)) / "half.txt"));
    REQUIRE(::kill(pid, sig) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK(entries_in(dir.path()) == 0);
  }
}

TEST_CASE("a single output file replaces only a file that begins with its marker",
          "[output_safety]") {
  TempDir dir("safety-file");
  const fs::path file = dir / "fitted.yaml";
  OwnedFile(file, "# mark").write("# mark: one\n");
  OwnedFile(file, "# mark").write("# mark: two\n");  // its own file: replaced
  CHECK(read_text(file) == "# mark: two\n");
  CHECK(entries_in(dir.path()) == 1);  // no staging left
  CHECK_THROWS_AS(OwnedFile(file, "# mark").write("no mark\n"), std::logic_error);

  write_text(dir / "mine.yaml", "gpus: 8\n");
  CHECK_THROWS_WITH(OwnedFile(dir / "mine.yaml", "# mark"),
                    StartsWith((dir / "mine.yaml").string() + ": exists and is not a file"));
  CHECK(read_text(dir / "mine.yaml") == "gpus: 8\n");
  fs::create_symlink(file, dir / "link.yaml");
  CHECK_THROWS_WITH(OwnedFile(dir / "link.yaml", "# mark"), Contains("is a symbolic link"));
  fs::create_directory(dir / "folder");
  CHECK_THROWS_AS(OwnedFile(dir / "folder", "# mark"), ConfigError);
  // What appears after the check is kept too.
  const OwnedFile late(dir / "late.yaml", "# mark");
  write_text(dir / "late.yaml", "user\n");
  CHECK_THROWS_AS(late.write("# mark\n"), ConfigError);
  CHECK(read_text(dir / "late.yaml") == "user\n");
}
