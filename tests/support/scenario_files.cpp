#include "support/scenario_files.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace moesim::test {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() / ("moesim-test-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(counter++) + "-" + tag);
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path source_path(const std::string& relative) {
  return fs::path(MOESIM_SOURCE_DIR) / relative;
}

std::string replace_once(const std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::logic_error("replace_once: '" + from + "' must occur exactly once");
  }
  return text.substr(0, at) + to + text.substr(at + from.size());
}

int line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) throw std::logic_error("line_of: '" + needle + "' not found");
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

namespace {

std::string shell_quote(const std::string& word) {
  std::string q = "'";
  for (const char c : word) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  return run_cli_in(fs::path(), args);
}

CliResult run_cli_in(const fs::path& cwd, const std::vector<std::string>& args) {
  TempDir io("cli-io");
  std::string command;
  if (!cwd.empty()) command = "cd " + shell_quote(cwd.string()) + " && ";
  command += shell_quote(MOESIM_BINARY);
  for (const std::string& a : args) command.append(" ").append(shell_quote(a));
  command.append(" >").append(shell_quote((io / "out").string()));
  command.append(" 2>").append(shell_quote((io / "err").string()));
  command.append(" </dev/null");
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(io / "out");
  r.err = read_text(io / "err");
  return r;
}

}  // namespace moesim::test
