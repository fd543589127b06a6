#pragma once
/// A CSV file read whole into strings, with the header naming the columns. Plain
/// comma-separated values with no quoting (what the measured tables use); a quoted field or a
/// row with the wrong number of fields is a ConfigError naming the file and line.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace moesim {

class CsvTable {
 public:
  /// Throws ConfigError for a missing file, an empty file, quotes, or a ragged row.
  static CsvTable read(const std::filesystem::path& file);

  size_t rows() const { return rows_.size(); }
  /// Index of a column; throws ConfigError naming the file and the column if absent.
  size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const {
    return std::find(header_.begin(), header_.end(), name) != header_.end();
  }
  /// The column names, in file order.
  const std::vector<std::string>& header() const { return header_; }
  const std::string& cell(size_t row, size_t column) const { return rows_[row][column]; }
  /// A cell as a number; throws ConfigError naming file, line and column if it is not one.
  double number(size_t row, size_t column) const;
  /// 1-based line in the file of a data row.
  size_t line_of(size_t row) const { return row + 2; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace moesim
