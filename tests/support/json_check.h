#pragma once
/// A strict JSON reader for tests (RFC 8259: no trailing commas, no NaN, no comments), so that
/// the files moesim writes are checked as a viewer would read them, not as our writer meant them.

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moesim::test {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string text;  ///< a string's value, or a number's literal text
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> members;

  bool is(Kind k) const { return kind == k; }
  /// Member access; throws std::out_of_range naming the key if absent or not an object.
  const JsonValue& at(const std::string& key) const;
  bool has(const std::string& key) const { return members.count(key) > 0; }
};

class JsonSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses a whole document; throws JsonSyntaxError with the byte offset of the first error.
JsonValue parse_json(std::string_view text);

}  // namespace moesim::test
