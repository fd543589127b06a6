#pragma once
/// One output file that never replaces what a user made: the file counterpart of
/// OutputDirectory (cli/output_directory.h) for commands that write a single file.
///
/// moesim writes the path only when nothing is there, or a regular file (not a symbolic link)
/// whose first line begins with the command's marker, so a file moesim wrote earlier is replaced
/// and anything else (a user's file, a folder, a link) is a ConfigError naming the path,
/// raised before anything is written. The text goes to "<path>.partial-<pid>" first and is
/// renamed into place, so the path always holds a complete file.

#include <filesystem>
#include <string>
#include <string_view>

namespace moesim {

class OwnedFile {
 public:
  /// Checks that `path` may be written: ConfigError naming it if something moesim did not
  /// write is there. Creates nothing.
  OwnedFile(std::filesystem::path path, std::string marker);

  /// Writes `text`, which must begin with the marker (std::logic_error if not), after checking
  /// the path again (what appeared there since is kept). std::runtime_error on I/O failure.
  void write(std::string_view text) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string marker_;
};

}  // namespace moesim
