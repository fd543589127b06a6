#pragma once
/// A reader of ZIP archives whose entries are stored uncompressed, as torch.save writes them
/// (PKWARE APPNOTE 6.3.x: end of central directory, ZIP64 records, central directory, local
/// headers). Entry data is read on demand, so an archive larger than memory can be walked.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace moesim {

class StoredZipArchive {
 public:
  struct Entry {
    std::string name;
    uint64_t data_offset = 0;  ///< byte offset of the data in the file
    uint64_t size = 0;         ///< bytes
  };

  /// Reads the central directory. Throws ConfigError naming the file, the byte offset and what
  /// was expected for a file that is not a ZIP archive, an encrypted or compressed entry, or
  /// an entry that reaches past the end of the file.
  explicit StoredZipArchive(const std::filesystem::path& file);

  const std::vector<Entry>& entries() const { return entries_; }
  /// The entry of this name, or nullptr.
  const Entry* find(const std::string& name) const;
  /// `bytes` bytes of an entry from `offset` into `out` (offset + bytes <= entry.size).
  void read(const Entry& entry, uint64_t offset, uint64_t bytes, char* out);
  std::string read_all(const Entry& entry);
  const std::string& file() const { return file_; }

 private:
  void read_at(uint64_t offset, size_t bytes, char* out);
  [[noreturn]] void fail(uint64_t offset, const std::string& expected) const;

  std::string file_;
  std::ifstream in_;
  uint64_t file_size_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace moesim
