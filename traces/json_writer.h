#pragma once
/// A small streaming JSON writer with deterministic number formatting (shortest round-trip
/// form), used by every JSON output so that equal runs give byte-identical files.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace moesim {

class JsonWriter {
 public:
  /// `indent` 0 writes everything on one line.
  explicit JsonWriter(std::ostream& out, int indent = 2) : out_(&out), indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// The key of the next value inside an object.
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(double v);  ///< NaN and infinities are written as null
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(uint32_t v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(bool v);
  /// Writes already-formatted JSON text as the next value (for exact numbers like "1.500000").
  JsonWriter& raw(std::string_view json);

  static std::string escape(std::string_view s);

 private:
  void before_value();
  void newline();

  std::ostream* out_;
  int indent_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

}  // namespace moesim
