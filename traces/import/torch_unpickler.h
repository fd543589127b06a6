#pragma once
/// A strict interpreter of the pickle (protocol 2) that torch.save writes as data.pkl: only the
/// opcodes Python's pickler emits for None, bools, ints, floats, strings, lists, tuples, dicts
/// and tensors (persistent ids naming storages, torch._utils._rebuild_tensor_v2,
/// collections.OrderedDict for backward hooks). Opcodes from pickletools' table; nothing is
/// ever executed: globals outside that list are errors.

#include <string>
#include <string_view>

#include "traces/import/pickle_value.h"

namespace moesim {

class TorchUnpickler {
 public:
  /// The value of the pickle in `data`. Throws ConfigError "<where>: byte N: expected ..." for
  /// an unknown opcode or global, a truncated pickle, or an opcode applied to the wrong value.
  static PicklePtr load(std::string_view data, const std::string& where);
};

}  // namespace moesim
