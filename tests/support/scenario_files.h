#pragma once
/// Helpers for tests that work on scenario files and on the `moesim` executable: temporary
/// directories, the quickstart text with edits, and running the CLI with its exit code and
/// output captured.

#include <filesystem>
#include <string>
#include <vector>

namespace moesim::test {

/// The whole content of a file; throws std::runtime_error if it cannot be read.
std::string read_text(const std::filesystem::path& path);

/// Writes `text` to `path`, creating parent directories.
void write_text(const std::filesystem::path& path, const std::string& text);

/// A new empty directory under the system temp directory, unique to this process and `tag`;
/// removed (with its contents) when the object goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Path of a file in the source tree ("scenarios/quickstart.yaml").
std::filesystem::path source_path(const std::string& relative);

/// `text` with the single occurrence of `from` replaced by `to`; throws std::logic_error if
/// `from` occurs zero or several times, so an edit never silently misses.
std::string replace_once(const std::string& text, const std::string& from, const std::string& to);

/// 1-based number of the first line of `text` containing `needle`; throws std::logic_error if
/// there is none.
int line_of(const std::string& text, const std::string& needle);

struct CliResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs the built `moesim` binary with `args` (each passed as one shell word).
CliResult run_cli(const std::vector<std::string>& args);

/// run_cli in the working directory `cwd`, for runs that write to their default out/<name>.
CliResult run_cli_in(const std::filesystem::path& cwd, const std::vector<std::string>& args);

}  // namespace moesim::test
