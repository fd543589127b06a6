#pragma once
/// An output directory written atomically, that never replaces what a user made.
///
/// Files go to a sibling "<dir>.partial-<pid>", and commit() swaps it into place, so a folder
/// with the requested name is always a complete result. Every folder moesim stages carries a
/// marker file (kMarker); moesim replaces only a folder with the marker, or an empty one (its
/// replacement is a single rename(2), which the kernel refuses once the folder is not empty,
/// so nothing can be lost). Anything else at the path (a folder without the marker, a file, a
/// symbolic link) is a ConfigError naming the path, raised before anything is created or
/// deleted. Staging left by a process that no longer runs ("<dir>.partial-<pid>" or
/// "<dir>.old-<pid>" with the marker) is removed when the same path is written again, and the
/// staging of a run interrupted by a signal is removed through InterruptCleanup.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace moesim {

class OutputDirectory {
 public:
  /// The file that marks a folder as a moesim result moesim may replace.
  static constexpr const char* kMarker = ".moesim-result";

  /// Checks that the final path may be written (ConfigError if not), removes stale staging of
  /// dead processes beside it, and creates the staging directory (std::runtime_error if it
  /// cannot).
  explicit OutputDirectory(std::filesystem::path final_path);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  /// Writes a file into the staging directory. Throws std::runtime_error on I/O failure.
  void write(const std::string& name, std::string_view content);
  /// Opens a file in the staging directory to be written in pieces (an output streamed during
  /// the run); hand it to close() when done. Throws std::runtime_error if it cannot be created.
  std::ofstream open(const std::string& name);
  /// Closes a file from open(); throws std::runtime_error naming it if a write failed.
  void close(std::ofstream& file, const std::string& name);

  /// Replaces a previous result (or an empty folder) at the final path with the staged files.
  /// Checks the final path again first: what appeared there since the constructor is kept.
  void commit();

  const std::filesystem::path& final_path() const { return final_; }
  const std::filesystem::path& staging_path() const { return staging_; }

 private:
  /// "<final>.<tag>-<pid>" for this process.
  std::filesystem::path sibling(const char* tag) const;
  void remove_stale_staging() const;
  /// Removes the staging directory and forgets it.
  void discard();

  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

/// Why `name` cannot be one folder name moesim writes (out/<name>), or nothing if it can: it
/// must be non-empty, at most 100 characters of [A-Za-z0-9._-], and not start with '.' (which
/// also rules out "." and "..").
std::optional<std::string> unsafe_folder_name(std::string_view name);

}  // namespace moesim
