#pragma once
/// A pull reader over one JSON document (RFC 8259) held in memory, for importers of JSON Lines
/// files: the caller walks objects and arrays and reads the values it needs, skipping the
/// rest, so large arrays are never built as trees. Errors are ConfigError naming `where`
/// (e.g. "file.jsonl:12"), the 1-based byte in the document, and what was expected.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

class JsonCursor {
 public:
  JsonCursor(std::string_view text, std::string where);

  /// Consumes '{'.
  void begin_object();
  /// Moves to the next member of the innermost object and reads its key; false (and the
  /// closing '}' consumed) when the object ends.
  bool next_member(std::string& key);
  /// Consumes '['.
  void begin_array();
  /// Moves to the next element of the innermost array; false (and ']' consumed) at its end.
  bool next_element();

  /// An integer without fraction or exponent that fits int64.
  int64_t read_int();
  /// Any JSON number.
  double read_number();
  std::string read_string();
  /// Consumes `null` and returns true if the next value is null; false otherwise.
  bool read_null();
  /// The first character of the next value ('{', '[', '"', 'n', 't', 'f', or a digit or '-').
  char peek();
  /// Skips one whole value of any type.
  void skip_value();
  /// Checks that only whitespace is left.
  void expect_end();

  /// Throws ConfigError "where: byte N: expected <expected>" at the current position.
  [[noreturn]] void fail(const std::string& expected) const;
  const std::string& where() const { return where_; }

 private:
  void skip_whitespace();
  void expect(char c, const char* expected);
  std::string_view number_token();
  void skip_value_at_depth(int depth);

  std::string_view text_;
  std::string where_;
  size_t pos_ = 0;
  std::vector<bool> first_;  ///< per open container: no element read yet
};

}  // namespace moesim
