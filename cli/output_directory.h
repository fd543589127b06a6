#pragma once
/// An output directory written atomically: files go to a hidden sibling "<dir>.partial-<pid>",
/// and commit() swaps it into place. If the run fails first, the destructor removes the partial
/// directory, so a directory named as requested is always a complete result.

#include <filesystem>
#include <string>
#include <string_view>

namespace moesim {

class OutputDirectory {
 public:
  /// Creates the staging directory. Throws std::runtime_error if it cannot.
  explicit OutputDirectory(std::filesystem::path final_path);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  /// Writes a file into the staging directory. Throws std::runtime_error on I/O failure.
  void write(const std::string& name, std::string_view content);

  /// Replaces any previous result at the final path with the staged files.
  void commit();

  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace moesim
