#pragma once
/// A torch.save file (the zip format of torch >= 1.6) read without torch: the archive holds
/// <prefix>/data.pkl (the pickled object), <prefix>/data/<key> (raw little-endian storages)
/// and optionally <prefix>/byteorder. Storages are read on demand, one tensor at a time.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "traces/import/pickle_value.h"
#include "traces/import/stored_zip_archive.h"

namespace moesim {

class TorchSaveFile {
 public:
  /// Opens the archive and unpickles data.pkl; throws ConfigError naming the file and what was
  /// expected (a single <prefix>/data.pkl, little-endian byte order, a valid pickle).
  explicit TorchSaveFile(const std::filesystem::path& file);

  const PickleValue& root() const { return *root_; }
  const std::string& file() const { return archive_.file(); }

  /// The elements of an integer tensor (int8/16/32/64, uint8 storages) in row-major order of
  /// its sizes. Throws ConfigError naming `what` if the storage is missing, not an integer
  /// type, or smaller than the view needs.
  std::vector<int64_t> read_integers(const TensorRef& tensor, const std::string& what);

 private:
  StoredZipArchive archive_;
  std::string prefix_;  ///< archive folder holding data.pkl, with a trailing '/'
  PicklePtr root_;
};

}  // namespace moesim
