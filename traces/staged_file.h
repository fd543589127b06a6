#pragma once
/// An output file written under a temporary name ("<path>.partial-<pid>") and renamed into
/// place by commit(). Destroyed without commit() it removes the temporary file, so a file at
/// the requested path is always complete.

#include <cstdio>
#include <filesystem>
#include <string_view>

namespace moesim {

class StagedFile {
 public:
  /// Creates the temporary file; throws ConfigError naming the path if it cannot.
  explicit StagedFile(std::filesystem::path final_path);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// Appends bytes; throws std::runtime_error on an I/O failure (disk full).
  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  /// Flushes, closes and renames the temporary file to the final path.
  void commit();

  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  std::FILE* file_ = nullptr;
};

}  // namespace moesim
