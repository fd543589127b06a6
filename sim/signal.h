#pragma once
/// Typed signals: models emit plain records, observers (sinks, statistics) subscribe.
/// Models never format output; a sink turns records into text.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace moesim {

template <class Record>
class Signal {
 public:
  using Slot = std::function<void(const Record&)>;
  /// Names one subscription, for disconnect().
  using Connection = size_t;

  /// Subscribers are called in the order they connected.
  Connection connect(Slot slot) {
    slots_.emplace_back(next_, std::move(slot));
    return next_++;
  }

  /// Removes the subscription `connection`, so an observer that ends before the model stops
  /// being called; an unknown or removed one is ignored. Not to be called from a slot.
  void disconnect(Connection connection) {
    std::erase_if(slots_, [connection](const auto& s) { return s.first == connection; });
  }

  void emit(const Record& record) const {
    for (const auto& [connection, slot] : slots_) slot(record);
  }

  bool connected() const { return !slots_.empty(); }

 private:
  std::vector<std::pair<Connection, Slot>> slots_;
  Connection next_ = 0;
};

}  // namespace moesim
