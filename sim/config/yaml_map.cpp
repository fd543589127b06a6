#include "sim/config/yaml_map.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/config/edit_distance.h"
#include "sim/config/key_read_observer.h"
#include "sim/config_error.h"
#include "sim/units.h"

namespace moesim {
namespace {

/// Close enough to be a misspelling: at most 2 edits, or a third of the longer name.
bool is_close(const std::string& a, const std::string& b) {
  return edit_distance(a, b) <= std::max<size_t>(2, std::max(a.size(), b.size()) / 3);
}

/// Whether key path `inner` lies inside the mapping or list at `outer` ("a.b" inside "a").
bool is_below(const std::string& inner, const std::string& outer) {
  return inner.size() > outer.size() && inner.starts_with(outer) &&
         (inner[outer.size()] == '.' || inner[outer.size()] == '[');
}

}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot open file", path));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}: YAML syntax error: {}", path, e.mark.line + 1, e.msg));
  }
}

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string path,
                 std::shared_ptr<const OverrideOrigins> origins)
    : file_(std::move(file)),
      path_(std::move(path)),
      line_(node.Mark().line + 1),
      origins_(std::move(origins)) {
  if (!node.IsMap()) fail_here("expected a mapping of keys to values");
  size_t order = 0;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const int line = kv.first.Mark().line + 1;
    if (!entries_.emplace(key, Entry{kv.second, line, order++}).second) {
      throw ConfigError(fmt::format("{}:{}: {}: duplicate key", file_, line, key_path(key)));
    }
  }
}

std::string YamlMap::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const std::string* YamlMap::origin_of(const std::string& path, bool created) const {
  if (!origins_) return nullptr;
  for (auto it = origins_->rbegin(); it != origins_->rend(); ++it) {
    if (it->first == path || is_below(path, it->first)) return &it->second;
  }
  if (created) {
    for (auto it = origins_->rbegin(); it != origins_->rend(); ++it) {
      if (is_below(it->first, path)) return &it->second;
    }
  }
  return nullptr;
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  const auto it = entries_.find(key);
  const int line = it != entries_.end() ? it->second.line : line_;
  // A key with no position in the file (line 0) was created by an override.
  if (const std::string* origin = origin_of(key_path(key), line == 0)) {
    throw ConfigError(fmt::format("{}: {}: {}", *origin, key_path(key), message));
  }
  throw ConfigError(fmt::format("{}:{}: {}: {}", file_, line, key_path(key), message));
}

void YamlMap::fail_here(const std::string& message) const {
  const std::string where = path_.empty() ? "(document)" : path_;
  if (!path_.empty()) {
    if (const std::string* origin = origin_of(path_, line_ == 0)) {
      throw ConfigError(fmt::format("{}: {}: {}", *origin, where, message));
    }
  }
  // The mapping is in the file, but an override inside it may be what made it wrong.
  std::string with;
  if (origins_ && !path_.empty()) {
    for (const auto& [p, text] : *origins_) {
      if (is_below(p, path_)) with += (with.empty() ? " (with " : ", ") + text;
    }
    if (!with.empty()) with += ")";
  }
  throw ConfigError(fmt::format("{}:{}: {}: {}{}", file_, line_, where, message, with));
}

void YamlMap::report_read(const std::string& key) const {
  if (KeyReadObserver::active()) KeyReadObserver::notify(file_, key_path(key));
}

bool YamlMap::has(const std::string& key) {
  report_read(key);
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  return entries_.count(key) > 0;
}

const YamlMap::Entry& YamlMap::take(const std::string& key) {
  report_read(key);
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    // A required key that is absent is most often misspelt: point at the misspelling.
    for (const auto& [other, e] : entries_) {
      if (!e.used && is_close(other, key)) {
        fail(other, fmt::format("unknown key (did you mean '{}'?)", key));
      }
    }
    fail_here(fmt::format("missing required key '{}'", key));
  }
  it->second.used = true;
  return it->second;
}

std::string YamlMap::scalar(const std::string& key) {
  const Entry& e = take(key);
  if (!e.value.IsScalar()) fail(key, "expected a single value, not a list or mapping");
  return e.value.Scalar();
}

std::string YamlMap::get_string(const std::string& key) {
  return scalar(key);
}

std::optional<std::string> YamlMap::get_optional_string(const std::string& key) {
  if (!has(key)) return std::nullopt;
  return scalar(key);
}

uint64_t YamlMap::get_uint(const std::string& key, uint64_t min, uint64_t max) {
  const std::string s = scalar(key);
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    fail(key, fmt::format("expected a whole number, got \"{}\"", s));
  }
  if (v < min || v > max) fail(key, fmt::format("must be between {} and {}, got {}", min, max, v));
  return v;
}

bool YamlMap::get_bool(const std::string& key) {
  const std::string s = scalar(key);
  if (s == "true") return true;
  if (s == "false") return false;
  fail(key, fmt::format("expected true or false, got \"{}\"", s));
}

double YamlMap::get_double(const std::string& key, double min, double max) {
  const std::string s = scalar(key);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    fail(key, fmt::format("expected a number, got \"{}\"", s));
  }
  if (v < min || v > max) fail(key, fmt::format("must be between {} and {}, got {}", min, max, v));
  return v;
}

Time YamlMap::get_time(const std::string& key) {
  const std::string s = scalar(key);
  try {
    return parse_time(s);
  } catch (const UnitError& e) {
    fail(key, e.what());
  }
}

double YamlMap::get_bytes(const std::string& key) {
  const std::string s = scalar(key);
  try {
    return parse_bytes(s);
  } catch (const UnitError& e) {
    fail(key, e.what());
  }
}

double YamlMap::get_bandwidth(const std::string& key) {
  const std::string s = scalar(key);
  try {
    return parse_bandwidth(s);
  } catch (const UnitError& e) {
    fail(key, e.what());
  }
}

double YamlMap::get_flop_rate(const std::string& key) {
  const std::string s = scalar(key);
  try {
    return parse_flop_rate(s);
  } catch (const UnitError& e) {
    fail(key, e.what());
  }
}

YamlMap YamlMap::get_map(const std::string& key) {
  const Entry& e = take(key);
  if (!e.value.IsMap()) fail(key, "expected a mapping of keys to values");
  return YamlMap(e.value, file_, key_path(key), origins_);
}

bool YamlMap::holds_map(const std::string& key) {
  return has(key) && entries_.at(key).value.IsMap();
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::pair<size_t, std::string>> ordered;
  for (const auto& [key, e] : entries_) ordered.emplace_back(e.order, key);
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::string> out;
  for (auto& [order, key] : ordered) out.push_back(std::move(key));
  return out;
}

int YamlMap::line_of(const std::string& key) const {
  const auto it = entries_.find(key);
  return it != entries_.end() ? it->second.line : line_;
}

std::vector<YamlMap> YamlMap::get_map_list(const std::string& key) {
  const Entry& e = take(key);
  if (!e.value.IsSequence()) fail(key, "expected a list of mappings");
  std::vector<YamlMap> out;
  for (size_t i = 0; i < e.value.size(); ++i) {
    out.emplace_back(e.value[i], file_, fmt::format("{}[{}]", key_path(key), i), origins_);
  }
  return out;
}

std::vector<std::string> YamlMap::get_string_list(const std::string& key) {
  const Entry& e = take(key);
  if (!e.value.IsSequence()) fail(key, "expected a list of values");
  std::vector<std::string> out;
  for (size_t i = 0; i < e.value.size(); ++i) {
    if (!e.value[i].IsScalar()) fail(key, fmt::format("element {}: expected a single value", i));
    out.push_back(e.value[i].Scalar());
  }
  return out;
}

bool YamlMap::is_null(const std::string& key) {
  if (!has(key)) return false;
  Entry& e = entries_.at(key);
  if (!e.value.IsNull()) return false;
  e.used = true;
  return true;
}

void YamlMap::finish() const {
  const Entry* first = nullptr;
  std::string first_key;
  for (const auto& [key, e] : entries_) {
    if (!e.used && (first == nullptr || e.order < first->order)) {
      first = &e;
      first_key = key;
    }
  }
  if (first == nullptr) return;
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const std::string& k : known_) {
    const size_t d = edit_distance(first_key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  std::string message = "unknown key";
  if (!best.empty() && is_close(first_key, best)) {
    message += fmt::format(" (did you mean '{}'?)", best);
  } else if (!known_.empty()) {
    message += fmt::format(" (expected one of: {})", fmt::join(known_, ", "));
  }
  fail(first_key, message);
}

}  // namespace moesim
