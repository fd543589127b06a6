#pragma once
/// Reads one YAML mapping with key checking: every key must be consumed by a getter before
/// finish(), or finish() reports it as unknown (with the closest known key as a suggestion).
/// All errors are ConfigError with the message "file:line: key.path: what was expected".

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/time.h"

namespace moesim {

/// Parses a YAML file; a syntax error becomes a ConfigError naming file and line.
YAML::Node load_yaml_file(const std::string& path);

/// Key paths whose values were set from outside the file, each with the text that set it
/// ("--set seed=3"), later entries winning: errors about such a key name that text instead of
/// "file:line" ("--set seed=-1: seed: expected a whole number").
using OverrideOrigins = std::vector<std::pair<std::string, std::string>>;

class YamlMap {
 public:
  /// `node` must be a mapping (else ConfigError at `path`). `path` is "" for the document root.
  /// `origins`: keys set from outside the file (may be null); nested maps inherit it.
  YamlMap(const YAML::Node& node, std::string file, std::string path,
          std::shared_ptr<const OverrideOrigins> origins = nullptr);

  /// Whether the key is present. Also declares it as a known key for finish()'s suggestions.
  bool has(const std::string& key);

  std::string get_string(const std::string& key);
  std::optional<std::string> get_optional_string(const std::string& key);
  /// An integer in [min, max].
  uint64_t get_uint(const std::string& key, uint64_t min, uint64_t max);
  /// true or false.
  bool get_bool(const std::string& key);
  /// A number in [min, max].
  double get_double(const std::string& key, double min, double max);
  Time get_time(const std::string& key);
  double get_bytes(const std::string& key);
  double get_bandwidth(const std::string& key);
  double get_flop_rate(const std::string& key);
  /// A nested mapping.
  YamlMap get_map(const std::string& key);
  /// Whether the key is present and its value is a mapping (not consumed).
  bool holds_map(const std::string& key);
  /// A list of mappings; element i reports its errors at "key[i]".
  std::vector<YamlMap> get_map_list(const std::string& key);
  /// A list of single values (strings or numbers, as written).
  std::vector<std::string> get_string_list(const std::string& key);
  /// Whether the key is present with a null value (YAML `~` or nothing, JSON `null`). A null
  /// key counts as consumed; a getter on it would fail.
  bool is_null(const std::string& key);

  /// Every key of the mapping in file order, for mappings whose keys are names (catalogues).
  /// Does not mark them as used.
  std::vector<std::string> keys() const;

  /// Line of `key` in the file, or of the mapping itself when the key is absent.
  int line_of(const std::string& key) const;

  /// Errors on the first key (in file order) that no getter asked for, suggesting the closest
  /// known key.
  void finish() const;

  /// "file:line: path.key: message" at the key's line.
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;

  const std::string& file() const { return file_; }
  std::string key_path(const std::string& key) const;

 private:
  struct Entry {
    YAML::Node value;
    int line;  // 1-based line of the key
    size_t order;
    bool used = false;
  };
  const Entry& take(const std::string& key);
  /// Tells the installed KeyReadObserver, if any, that `key` was asked for.
  void report_read(const std::string& key) const;
  std::string scalar(const std::string& key);
  /// The text of the override that set `path` or a mapping above it; with `created` (the node
  /// has no position in the file), also one that set a key below it. nullptr if none.
  const std::string* origin_of(const std::string& path, bool created) const;

  std::string file_;
  std::string path_;
  int line_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> known_;  // every key a getter or has() asked for
  std::shared_ptr<const OverrideOrigins> origins_;
};

}  // namespace moesim
