#pragma once
/// Typed signals: models emit plain records, observers (sinks, statistics) subscribe.
/// Models never format output; a sink turns records into text.

#include <functional>
#include <utility>
#include <vector>

namespace moesim {

template <class Record>
class Signal {
 public:
  using Slot = std::function<void(const Record&)>;

  /// Subscribers are called in the order they connected.
  void connect(Slot slot) { slots_.push_back(std::move(slot)); }

  void emit(const Record& record) const {
    for (const auto& slot : slots_) slot(record);
  }

  bool connected() const { return !slots_.empty(); }

 private:
  std::vector<Slot> slots_;
};

}  // namespace moesim
