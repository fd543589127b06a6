#include "traces/json_line_scanner.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace moesim {

void JsonLineScanner::fail(std::string_view expected, std::string_view context) const {
  // Quote up to 24 characters of what was found instead.
  const size_t shown = std::min<size_t>(24, static_cast<size_t>(end_ - p_));
  const std::string found = p_ == end_
                                ? "the end of the line"
                                : fmt::format("\"{}{}\"", std::string_view(p_, shown),
                                              shown < static_cast<size_t>(end_ - p_) ? "..." : "");
  throw JsonLineError(fmt::format("expected {} {}, found {}", expected, context, found));
}

bool JsonLineScanner::consume(char c) {
  skip_space();
  if (p_ < end_ && *p_ == c) {
    ++p_;
    return true;
  }
  return false;
}

void JsonLineScanner::expect(char c, std::string_view context) {
  if (!consume(c)) fail(fmt::format("'{}'", c), context);
}

void JsonLineScanner::expect_end() {
  skip_space();
  if (p_ != end_) fail("the end of the line", "after the object");
}

std::string_view JsonLineScanner::string(std::string_view context) {
  skip_space();
  if (p_ == end_ || *p_ != '"') fail("a string", context);
  const char* start = ++p_;
  while (p_ < end_ && *p_ != '"' && *p_ != '\\') ++p_;
  if (p_ < end_ && *p_ == '"') return {start, static_cast<size_t>(p_++ - start)};
  unescaped_.assign(start, p_);
  unescape_into(unescaped_);
  return unescaped_;
}

void JsonLineScanner::unescape_into(std::string& out) {
  while (p_ < end_ && *p_ != '"') {
    if (*p_ != '\\') {
      out.push_back(*p_++);
      continue;
    }
    if (++p_ == end_) break;
    const char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.push_back(c);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        unsigned code = 0;
        const auto [next, ec] = std::from_chars(p_, std::min(p_ + 4, end_), code, 16);
        if (ec != std::errc() || next != p_ + 4 || (code >= 0xD800 && code < 0xE000)) {
          throw JsonLineError("a \\u escape must give 4 hex digits of a non-surrogate code");
        }
        p_ = next;
        // UTF-8 of a code point below U+10000.
        if (code < 0x80) {
          out.push_back(static_cast<char>(code));
        } else if (code < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (code >> 6)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (code >> 12)));
          out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
        break;
      }
      default:
        throw JsonLineError(fmt::format("unknown string escape '\\{}'", c));
    }
  }
  if (p_ == end_) throw JsonLineError("unterminated string");
  ++p_;
}

uint64_t JsonLineScanner::unsigned_integer(std::string_view context, uint64_t max) {
  skip_space();
  const char* start = p_;
  uint64_t v = 0;
  while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
    const auto digit = static_cast<uint64_t>(*p_ - '0');
    if (v > (max - digit) / 10) {
      p_ = start;
      fail(fmt::format("an unsigned integer up to {}", max), context);
    }
    v = v * 10 + digit;
    ++p_;
  }
  const bool leading_zero = p_ - start > 1 && *start == '0';
  const bool fraction = p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E');
  if (p_ == start || leading_zero || fraction) {
    p_ = start;
    fail("an unsigned integer", context);
  }
  return v;
}

float JsonLineScanner::number(std::string_view context) {
  skip_space();
  float v = 0;
  const auto [next, ec] = std::from_chars(p_, end_, v);
  if (ec != std::errc() || !std::isfinite(v)) {
    fail("a finite number", context);
  }
  p_ = next;
  return v;
}

void JsonLineScanner::unsigned_array(std::string_view context, std::vector<uint32_t>& out) {
  expect('[', context);
  if (consume(']')) return;
  do {
    out.push_back(static_cast<uint32_t>(unsigned_integer(context, UINT32_MAX)));
  } while (consume(','));
  expect(']', context);
}

void JsonLineScanner::number_array(std::string_view context, std::vector<float>& out) {
  expect('[', context);
  if (consume(']')) return;
  do {
    out.push_back(number(context));
  } while (consume(','));
  expect(']', context);
}

}  // namespace moesim
