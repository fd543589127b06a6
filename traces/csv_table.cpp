#include "traces/csv_table.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& file) {
  CsvTable t;
  t.file_ = file.string();
  std::ifstream in(file);
  if (!in) throw ConfigError(fmt::format("{}: cannot open file", t.file_));
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find('"') != std::string::npos) {
      throw ConfigError(
          fmt::format("{}:{}: quoted CSV fields are not supported", t.file_, line_number));
    }
    if (line_number == 1) {
      t.header_ = split_fields(line);
      continue;
    }
    if (line.empty()) continue;
    auto fields = split_fields(line);
    if (fields.size() != t.header_.size()) {
      throw ConfigError(fmt::format("{}:{}: expected {} fields as in the header, got {}", t.file_,
                                    line_number, t.header_.size(), fields.size()));
    }
    t.rows_.push_back(std::move(fields));
  }
  if (t.header_.empty())
    throw ConfigError(fmt::format("{}: empty file, expected a header", t.file_));
  return t;
}

size_t CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  throw ConfigError(fmt::format("{}:1: missing column '{}'", file_, name));
}

double CsvTable::number(size_t row, size_t column) const {
  const std::string& s = rows_[row][column];
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    throw ConfigError(fmt::format("{}:{}: column '{}': expected a number, got \"{}\"", file_,
                                  line_of(row), header_[column], s));
  }
  return v;
}

}  // namespace moesim
