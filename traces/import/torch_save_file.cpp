#include "traces/import/torch_save_file.h"

#include <map>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/import/torch_unpickler.h"

namespace moesim {
namespace {

struct IntegerType {
  int bytes;
  bool is_signed;
};

// torch's legacy storage class names, which torch.save still writes, by element type.
const std::map<std::string, IntegerType>& integer_types() {
  static const std::map<std::string, IntegerType> types = {{"ByteStorage", {1, false}},
                                                           {"CharStorage", {1, true}},
                                                           {"ShortStorage", {2, true}},
                                                           {"IntStorage", {4, true}},
                                                           {"LongStorage", {8, true}}};
  return types;
}

}  // namespace

TorchSaveFile::TorchSaveFile(const std::filesystem::path& file) : archive_(file) {
  const StoredZipArchive::Entry* pickle = nullptr;
  for (const auto& e : archive_.entries()) {
    const std::string suffix = "data.pkl";
    if (e.name.size() >= suffix.size() &&
        e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        (e.name.size() == suffix.size() || e.name[e.name.size() - suffix.size() - 1] == '/')) {
      if (pickle != nullptr) {
        throw ConfigError(fmt::format("{}: two data.pkl entries ('{}', '{}'), expected one",
                                      archive_.file(), pickle->name, e.name));
      }
      pickle = &e;
    }
  }
  if (pickle == nullptr) {
    throw ConfigError(
        fmt::format("{}: no <prefix>/data.pkl entry, expected a torch.save file", archive_.file()));
  }
  prefix_ = pickle->name.substr(0, pickle->name.size() - std::string("data.pkl").size());
  if (const auto* order = archive_.find(prefix_ + "byteorder")) {
    const std::string value = archive_.read_all(*order);
    if (value != "little") {
      throw ConfigError(fmt::format("{}: {}byteorder is '{}', expected 'little'", archive_.file(),
                                    prefix_, value));
    }
  }
  root_ = TorchUnpickler::load(archive_.read_all(*pickle),
                               fmt::format("{}: {}", archive_.file(), pickle->name));
}

std::vector<int64_t> TorchSaveFile::read_integers(const TensorRef& t, const std::string& what) {
  const auto type = integer_types().find(t.storage_type);
  if (type == integer_types().end()) {
    throw ConfigError(
        fmt::format("{}: {}: storage type {}, expected an integer storage "
                    "(IntStorage, LongStorage, ...)",
                    archive_.file(), what, t.storage_type));
  }
  const auto* entry = archive_.find(prefix_ + "data/" + t.storage_key);
  if (entry == nullptr) {
    throw ConfigError(fmt::format("{}: {}: no archive entry {}data/{}", archive_.file(), what,
                                  prefix_, t.storage_key));
  }
  const auto bytes = static_cast<uint64_t>(type->second.bytes);
  if (entry->size != t.storage_numel * bytes) {
    throw ConfigError(
        fmt::format("{}: {}: storage {} has {} bytes, expected {} elements of {} "
                    "bytes",
                    archive_.file(), what, t.storage_key, entry->size, t.storage_numel, bytes));
  }
  // The largest element index the view touches must lie inside the storage.
  uint64_t count = 1;
  uint64_t last = t.offset;
  for (size_t d = 0; d < t.sizes.size(); ++d) {
    if (t.sizes[d] < 0 || t.strides[d] < 0) {
      throw ConfigError(fmt::format("{}: {}: negative size or stride, expected a plain view",
                                    archive_.file(), what));
    }
    count *= static_cast<uint64_t>(t.sizes[d]);
    if (t.sizes[d] > 0) last += static_cast<uint64_t>(t.sizes[d] - 1) * t.strides[d];
  }
  if (count > 0 && last >= t.storage_numel) {
    throw ConfigError(fmt::format("{}: {}: the view reaches element {} of a storage of {}",
                                  archive_.file(), what, last, t.storage_numel));
  }
  std::string raw(entry->size, '\0');
  archive_.read(*entry, 0, entry->size, raw.data());
  std::vector<int64_t> out;
  out.reserve(count);
  std::vector<int64_t> index(t.sizes.size(), 0);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t element = t.offset;
    for (size_t d = 0; d < index.size(); ++d) element += index[d] * t.strides[d];
    const char* p = raw.data() + element * bytes;
    uint64_t v = 0;
    for (int b = type->second.bytes - 1; b >= 0; --b) v = (v << 8) | static_cast<uint8_t>(p[b]);
    if (type->second.is_signed && bytes < 8) {
      const uint64_t sign = uint64_t{1} << (8 * bytes - 1);
      v = (v ^ sign) - sign;
    }
    out.push_back(static_cast<int64_t>(v));
    // row-major increment of the multi-index
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < t.sizes[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace moesim
