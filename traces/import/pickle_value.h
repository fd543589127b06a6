#pragma once
/// The values a torch.save pickle may hold, as the TorchUnpickler builds them: None, booleans,
/// integers, floats, strings, lists, tuples, dicts, and tensors that refer to a storage entry
/// of the archive. Values are shared because the pickle memo may refer to one object twice.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace moesim {

struct PickleValue;
using PicklePtr = std::shared_ptr<PickleValue>;

/// A tensor as torch._utils._rebuild_tensor_v2 describes it: a strided view of a storage.
struct TensorRef {
  std::string storage_key;   ///< the archive entry is <prefix>/data/<storage_key>
  std::string storage_type;  ///< e.g. "IntStorage" (int32), "LongStorage" (int64)
  uint64_t storage_numel = 0;
  uint64_t offset = 0;           ///< elements
  std::vector<int64_t> sizes;    ///< elements per dimension
  std::vector<int64_t> strides;  ///< elements
};

struct PickleValue {
  enum class Kind : uint8_t {
    none,
    boolean,
    integer,
    floating,
    string,
    list,
    tuple,
    dict,
    tensor,
    storage,
    global
  };
  Kind kind = Kind::none;
  bool boolean = false;
  int64_t integer = 0;
  double floating = 0.0;
  std::string text;  ///< string value; "module.name" of a global
  /// list and tuple elements. A list whose elements are all integers keeps them in `ints`
  /// instead (token id lists hold millions), with `items` empty.
  std::vector<PicklePtr> items;
  std::vector<int64_t> ints;
  bool int_list = true;  ///< list: every element so far is an integer, held in `ints`
  std::vector<std::pair<PicklePtr, PicklePtr>> members;  ///< dict, in insertion order
  TensorRef tensor;  ///< tensor; storage uses storage_key, storage_type and storage_numel

  static const char* kind_name(Kind k);
  /// The dict member with this string key, or nullptr.
  const PickleValue* member(const std::string& key) const;
  /// List elements as integers; false if some element is not an integer.
  bool as_ints(std::vector<int64_t>& out) const;
  size_t length() const { return kind == Kind::list && int_list ? ints.size() : items.size(); }
};

}  // namespace moesim
