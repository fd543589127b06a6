#pragma once
/// A scanner over one line of JSON, made for the JSON Lines trace encoding: objects whose
/// values are strings, unsigned integers, numbers and arrays of them. It does not build a
/// tree; the caller asks for the token it expects, and a mismatch throws JsonLineError with
/// a short description that the caller prefixes with the file and record.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

class JsonLineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JsonLineScanner {
 public:
  explicit JsonLineScanner(std::string_view line) : p_(line.data()), end_(p_ + line.size()) {}

  /// Skips spaces, then consumes `c` if it comes next.
  bool consume(char c);
  /// Skips spaces, then consumes `c` or throws "expected `c` <context>".
  void expect(char c, std::string_view context);
  /// Throws unless only spaces remain.
  void expect_end();

  /// The next string (unescaped); for keys and string values.
  std::string_view string(std::string_view context);
  /// The next unsigned integer up to `max` (JSON syntax: no sign, no leading zeros).
  uint64_t unsigned_integer(std::string_view context, uint64_t max);
  /// The next number as a float; it must be finite.
  float number(std::string_view context);

  /// Parses `[a, b, ...]` of unsigned integers below 2^32, appending them to `out`.
  void unsigned_array(std::string_view context, std::vector<uint32_t>& out);
  /// Parses `[a, b, ...]` of numbers, appending them to `out`.
  void number_array(std::string_view context, std::vector<float>& out);

 private:
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  [[noreturn]] void fail(std::string_view expected, std::string_view context) const;
  void unescape_into(std::string& out);

  const char* p_;
  const char* end_;
  std::string unescaped_;  ///< a string value that held escapes
};

}  // namespace moesim
