#include "cli/app/sweep_folder.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

namespace fs = std::filesystem;

void prepare_sweep_folder(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (fs::exists(status)) {
    const bool empty_folder = fs::is_directory(status) && fs::is_empty(dir, ec) && !ec;
    if (!empty_folder) require_sweep_folder(dir);
  }
  fs::create_directories(dir / "points", ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("{}: cannot create the sweep folder: {}", dir.string(), ec.message()));
  }
  std::ofstream marker(dir / kSweepMarker);
  marker << "moesim sweep folder: moesim may write and replace the files in it\n";
  if (!marker) throw std::runtime_error(fmt::format("{}: cannot write its marker", dir.string()));
}

void require_sweep_folder(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (!fs::is_directory(status) || !fs::exists(dir / kSweepMarker, ec)) {
    throw ConfigError(
        fmt::format("{}: {} not a moesim sweep folder (it has no {} marker); choose another "
                    "--out path or remove it",
                    dir.string(), fs::exists(status) ? "exists and is" : "is", kSweepMarker));
  }
}

void write_whole_file(const fs::path& path, const std::string& text) {
  // Named by host and process: shards of one sweep (Slurm array tasks, on several nodes whose
  // pids may coincide) write points.csv at once.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const fs::path partial = fmt::format("{}.partial-{}-{}", path.string(), host, ::getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", partial.string()));
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("{}: cannot rename into place: {}", path.string(), ec.message()));
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string format_points_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  std::string csv = "id";
  for (const SweepAxis& axis : spec.axes) csv += "," + csv_field(axis.key);
  csv += "\n";
  for (const SweepPoint& point : points) {
    csv += point.id;
    for (const std::string& value : point.values) csv += "," + csv_field(value);
    csv += "\n";
  }
  return csv;
}

SweepTable read_points_csv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw ConfigError(fmt::format("{}: cannot read (run `moesim sweep run` first)", path.string()));
  }
  SweepTable table;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<std::string> fields = split_csv_line(line);
    if (number == 1) {
      if (fields.empty() || fields[0] != "id") {
        throw ConfigError(fmt::format("{}:1: expected a header starting with id", path.string()));
      }
      table.axes.assign(fields.begin() + 1, fields.end());
      continue;
    }
    if (fields.size() != table.axes.size() + 1) {
      throw ConfigError(fmt::format("{}:{}: expected {} fields, got {}", path.string(), number,
                                    table.axes.size() + 1, fields.size()));
    }
    std::string id = fields[0];
    fields.erase(fields.begin());
    table.points.emplace_back(std::move(id), std::move(fields));
  }
  if (number == 0) throw ConfigError(fmt::format("{}: empty, expected a header", path.string()));
  return table;
}

}  // namespace moesim
