#pragma once
/// An optional observer of the keys that scenario readers ask for: every key path that a
/// YamlMap's has() or a getter asks for (present in the file or not), and the few keys read
/// from raw YAML (`base`, the `sweep:` block). The key-coverage test installs one to check that
/// the scenario key registry (cli/app/scenario_keys.h) declares every key a loader reads.
/// With none installed a read costs one null check.

#include <functional>
#include <string>

namespace moesim {

class KeyReadObserver {
 public:
  /// `file`: the file the mapping was read from; `path`: the full key path ("serving.slo.ttft",
  /// list elements as "hardware.graph.nodes[0].name").
  using Callback = std::function<void(const std::string& file, const std::string& path)>;

  /// Installs `callback` until destruction, then restores the observer installed before.
  /// Installation is not thread-safe: install it where one thread reads scenarios.
  explicit KeyReadObserver(Callback callback);
  ~KeyReadObserver();
  KeyReadObserver(const KeyReadObserver&) = delete;
  KeyReadObserver& operator=(const KeyReadObserver&) = delete;

  /// Whether an observer is installed: readers test this before building a key path.
  static bool active() { return current_ != nullptr; }
  /// Passes one read key to the installed observer, if any.
  static void notify(const std::string& file, const std::string& path) {
    if (current_ != nullptr) current_->callback_(file, path);
  }

 private:
  static KeyReadObserver* current_;
  Callback callback_;
  KeyReadObserver* previous_;
};

}  // namespace moesim
