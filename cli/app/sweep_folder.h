#pragma once
/// The folder of a sweep (`moesim sweep run --out DIR`): a marker file, points.csv, a result
/// folder per point under points/, and the files the sweep itself writes. moesim writes into
/// DIR only when it made it (the marker) or DIR is new or empty.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/app/sweep_spec.h"

namespace moesim {

/// The file that marks a folder as a sweep moesim made.
inline constexpr const char* kSweepMarker = ".moesim-sweep";

/// Axis keys and the points as points.csv holds them.
struct SweepTable {
  std::vector<std::string> axes;
  std::vector<std::pair<std::string, std::vector<std::string>>> points;  ///< id, axis values
};

/// Checks that `dir` is absent, an empty folder or a sweep folder (ConfigError naming it
/// otherwise, before anything is written), then creates it with its marker and points/.
void prepare_sweep_folder(const std::filesystem::path& dir);

/// ConfigError naming `dir` unless it is a folder with the sweep marker.
void require_sweep_folder(const std::filesystem::path& dir);

/// Writes `text` to `path` through "<path>.partial-<host>-<pid>" and a rename, so the path
/// always holds a whole file, also while other processes (on other hosts) write it.
/// std::runtime_error on I/O failure.
void write_whole_file(const std::filesystem::path& path, const std::string& text);

/// points.csv: a header "id,<axis keys>", then a row per point in point order.
std::string format_points_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points);
/// Reads points.csv back; ConfigError naming the file if it is malformed.
SweepTable read_points_csv(const std::filesystem::path& path);

/// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);
/// The fields of one CSV line written with csv_field.
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace moesim
