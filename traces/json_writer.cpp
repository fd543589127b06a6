#include "traces/json_writer.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

std::string JsonWriter::escape(std::string_view s) {
  std::string r;
  r.reserve(s.size() + 2);
  r.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        r += "\\\"";
        break;
      case '\\':
        r += "\\\\";
        break;
      case '\n':
        r += "\\n";
        break;
      case '\t':
        r += "\\t";
        break;
      case '\r':
        r += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          r += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          r.push_back(c);
        }
    }
  }
  r.push_back('"');
  return r;
}

void JsonWriter::newline() {
  if (indent_ <= 0) return;
  *out_ << '\n' << std::string(has_items_.size() * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) *out_ << ',';
    has_items_.back() = true;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  *out_ << '{';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (has_items_.empty()) throw std::logic_error("end_object without begin_object");
  const bool had = has_items_.back();
  has_items_.pop_back();
  if (had) newline();
  *out_ << '}';
  if (has_items_.empty() && indent_ > 0) *out_ << '\n';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  *out_ << '[';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (has_items_.empty()) throw std::logic_error("end_array without begin_array");
  const bool had = has_items_.back();
  has_items_.pop_back();
  if (had) newline();
  *out_ << ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  *out_ << escape(k) << (indent_ > 0 ? ": " : ":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  before_value();
  *out_ << escape(v);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  before_value();
  if (std::isfinite(v)) {
    *out_ << fmt::format("{}", v);
  } else {
    *out_ << "null";
  }
  return *this;
}

JsonWriter& JsonWriter::value(int64_t v) {
  before_value();
  *out_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t v) {
  before_value();
  *out_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  *out_ << (v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  *out_ << json;
  return *this;
}

}  // namespace moesim
