// Every command the documentation shows runs: the `moesim ...` and `scripts/moesim ...` lines of
// the ```sh code blocks of README.md and docs/*.md run against the built binary (in a temporary
// directory that links to the source tree, so relative paths resolve and default outputs land
// there) and must exit 0; the usage synopses of the other code blocks must name subcommands
// that exist (their `--help` exits 0).

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "support/scenario_files.h"

namespace fs = std::filesystem;
using moesim::test::read_text;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

struct DocCommand {
  std::string where;  ///< "docs/scenario.md:42"
  std::string args;   ///< the command line after `moesim`, as written (shell syntax)
  bool runnable;      ///< from a ```sh block (else a usage synopsis)
};

// Commands not run, each with the reason. Keyed by "file:line".
const std::map<std::string, std::string> kSkipped = {
    {"docs/benchmarks.md:272",
     "the 1M-token benchmark itself: 5 to 10 s of wall time and 28 MB written"},
    {"docs/benchmarks.md:274", "reads the benchmark's 1M-token trace (skipped above)"},
};

std::vector<DocCommand> doc_commands() {
  std::vector<fs::path> files{source_path("README.md")};
  for (const auto& e : fs::directory_iterator(source_path("docs"))) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  const std::regex command(R"(^\s*(?:scripts/)?moesim(\s.*)?$)");
  std::vector<DocCommand> out;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line, fence;
    bool inside = false;
    int number = 0;
    const std::string name = fs::relative(file, source_path("")).generic_string();
    while (std::getline(in, line)) {
      ++number;
      if (line.rfind("```", 0) == 0) {
        inside = !inside;
        fence = inside ? line.substr(3) : "";
        continue;
      }
      std::smatch m;
      if (!inside || !std::regex_match(line, m, command)) continue;
      const int first = number;
      std::string args = m[1].str();
      while (!args.empty() && args.back() == '\\' && std::getline(in, line)) {  // continued
        ++number;
        args.pop_back();
        args += " " + line;
      }
      out.push_back(DocCommand{name + ":" + std::to_string(first), args, fence == "sh"});
    }
  }
  return out;
}

/// A shell comment after the command ("... # installs packages") removed.
std::string without_comment(const std::string& args) {
  const size_t hash = args.find(" #");
  return hash == std::string::npos ? args : args.substr(0, hash);
}

int run_in(const fs::path& dir, const std::string& args, std::string& output) {
  const fs::path log = dir / "command.log";
  const std::string line = "cd '" + dir.string() + "' && '" MOESIM_BINARY "'" + args + " >'" +
                           log.string() + "' 2>&1 </dev/null";
  const int status = std::system(line.c_str());
  output = read_text(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("every moesim command shown in README.md and docs runs", "[cli][docs]") {
  const std::vector<DocCommand> commands = doc_commands();
  REQUIRE(commands.size() >= 10);  // the README synopsis alone has more
  TempDir dir("doc-commands");
  // The source tree's top-level entries, linked: relative paths in the docs resolve.
  for (const auto& e : fs::directory_iterator(source_path(""))) {
    const std::string name = e.path().filename().string();
    if (name == "out" || name == "build" || name.rfind("build-", 0) == 0 || name[0] == '.') {
      continue;
    }
    fs::create_directory_symlink(e.path(), dir / name);
  }
  size_t ran = 0;
  for (const DocCommand& c : commands) {
    INFO(c.where << ": moesim" << c.args);
    if (kSkipped.count(c.where) != 0) continue;
    std::string output;
    if (c.runnable) {
      const int code = run_in(dir.path(), without_comment(c.args), output);
      INFO(output);
      CHECK(code == 0);
      ++ran;
    } else {
      // A usage synopsis (`moesim run SCENARIO [--out DIR]`) is not run as written: its
      // subcommand words, up to the first option or placeholder, must name a subcommand whose
      // --help exits 0.
      std::string words;
      std::istringstream in(c.args);
      std::string word;
      while (in >> word && std::regex_match(word, std::regex("[a-z][a-z-]*"))) words += " " + word;
      const int code = run_in(dir.path(), words + " --help", output);
      INFO(output);
      CHECK(code == 0);
    }
  }
  CHECK(ran >= 2);
  // Every skipped command is still in the docs (a stale entry would hide nothing).
  for (const auto& [where, reason] : kSkipped) {
    INFO(where << " (" << reason << ")");
    CHECK(std::any_of(commands.begin(), commands.end(),
                      [&](const DocCommand& c) { return c.where == where; }));
  }
}
