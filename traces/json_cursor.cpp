#include "traces/json_cursor.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr int kMaxDepth = 256;  // deeper documents are rejected instead of exhausting the stack

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

JsonCursor::JsonCursor(std::string_view text, std::string where)
    : text_(text), where_(std::move(where)) {}

void JsonCursor::fail(const std::string& expected) const {
  throw ConfigError(fmt::format("{}: byte {}: expected {}", where_, pos_ + 1, expected));
}

void JsonCursor::skip_whitespace() {
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
}

void JsonCursor::expect(char c, const char* expected) {
  skip_whitespace();
  if (pos_ >= text_.size() || text_[pos_] != c) fail(expected);
  ++pos_;
}

char JsonCursor::peek() {
  skip_whitespace();
  if (pos_ >= text_.size()) fail("a value");
  return text_[pos_];
}

void JsonCursor::begin_object() {
  expect('{', "an object '{'");
  first_.push_back(true);
}

void JsonCursor::begin_array() {
  expect('[', "an array '['");
  first_.push_back(true);
}

bool JsonCursor::next_member(std::string& key) {
  skip_whitespace();
  if (pos_ < text_.size() && text_[pos_] == '}') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if (!first_.back()) expect(',', "',' or '}'");
  first_.back() = false;
  if (peek() != '"') fail("a member name");
  key = read_string();
  expect(':', "':'");
  return true;
}

bool JsonCursor::next_element() {
  skip_whitespace();
  if (pos_ < text_.size() && text_[pos_] == ']') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if (!first_.back()) expect(',', "',' or ']'");
  first_.back() = false;
  return true;
}

std::string_view JsonCursor::number_token() {
  skip_whitespace();
  const size_t start = pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
      ++pos_;
    } else {
      break;
    }
  }
  return text_.substr(start, pos_ - start);
}

int64_t JsonCursor::read_int() {
  skip_whitespace();
  const size_t start = pos_;
  const std::string_view token = number_token();
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (token.empty() || ec != std::errc() || end != token.data() + token.size()) {
    pos_ = start;
    fail("an integer");
  }
  return v;
}

double JsonCursor::read_number() {
  skip_whitespace();
  const size_t start = pos_;
  const std::string_view token = number_token();
  double v = 0.0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (token.empty() || token[0] == '+' || ec != std::errc() || end != token.data() + token.size() ||
      !std::isfinite(v)) {
    pos_ = start;
    fail("a number");
  }
  return v;
}

std::string JsonCursor::read_string() {
  expect('"', "a string");
  std::string out;
  while (true) {
    if (pos_ >= text_.size()) fail("a closing '\"'");
    const char c = text_[pos_++];
    if (c == '"') return out;
    if (static_cast<unsigned char>(c) < 0x20) {
      --pos_;
      fail("no control character inside a string");
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos_ >= text_.size()) fail("an escape");
    const char e = text_[pos_++];
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const auto hex4 = [&]() {
          uint32_t v = 0;
          if (pos_ + 4 > text_.size()) fail("four hex digits");
          const auto [end, ec] =
              std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, v, 16);
          if (ec != std::errc() || end != text_.data() + pos_ + 4) fail("four hex digits");
          pos_ += 4;
          return v;
        };
        uint32_t cp = hex4();
        // A high surrogate followed by \u and a low surrogate encodes one code point.
        if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' &&
            text_[pos_ + 1] == 'u') {
          pos_ += 2;
          const uint32_t low = hex4();
          if (low < 0xDC00 || low >= 0xE000) fail("a low surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
        break;
      }
      default:
        --pos_;
        fail("a valid escape");
    }
  }
}

bool JsonCursor::read_null() {
  skip_whitespace();
  if (text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  return true;
}

void JsonCursor::skip_value() {
  skip_value_at_depth(0);
}

void JsonCursor::skip_value_at_depth(int depth) {
  if (depth > kMaxDepth) fail(fmt::format("nesting no deeper than {}", kMaxDepth));
  const char c = peek();
  if (c == '{') {
    begin_object();
    std::string key;
    while (next_member(key)) skip_value_at_depth(depth + 1);
  } else if (c == '[') {
    begin_array();
    while (next_element()) skip_value_at_depth(depth + 1);
  } else if (c == '"') {
    read_string();
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    read_number();
  } else if (text_.substr(pos_, 4) == "true" || text_.substr(pos_, 4) == "null") {
    pos_ += 4;
  } else if (text_.substr(pos_, 5) == "false") {
    pos_ += 5;
  } else {
    fail("a value");
  }
}

void JsonCursor::expect_end() {
  skip_whitespace();
  if (pos_ != text_.size()) fail("the end of the document");
}

}  // namespace moesim
