#include "cli/app/plot_kinds.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "cli/app/sweep_folder.h"
#include "sim/config_error.h"
#include "traces/json_cursor.h"

namespace moesim {
namespace {

namespace fs = std::filesystem;

/// A string for a gnuplot data file (our own resource names only).
std::string gp_quoted(const std::string& s) {
  return "\"" + s + "\"";
}

/// Text from a results.csv (column names, axis values) as a gnuplot string in a script:
/// single-quoted, where gnuplot substitutes no backquoted command, with ' doubled and control
/// characters made spaces.
std::string gp_string(const std::string& s) {
  std::string out = "'";
  for (const char ch : s) {
    if (ch == '\'') {
      out += "''";
    } else {
      out += static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch;
    }
  }
  return out + "'";
}

/// A number from cell `column` of row `row` (1-based data line) of `file`; ConfigError if not.
double number_at(const std::string& text, const std::string& file, size_t row,
                 const std::string& column) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) {
    throw ConfigError(
        fmt::format("{}: data row {}: {}: expected a number, got \"{}\"", file, row, column, text));
  }
  return v;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(fmt::format("{}: cannot open file", file.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Sorted positive values of `column` and their empirical CDF, one "value fraction" per line.
std::string cdf_block(const CsvTable& t, const std::string& column) {
  const size_t c = t.index(column, "requests.csv");
  std::vector<double> values;
  for (const auto& row : t.rows) {
    if (row[c].empty()) continue;  // TPOT of a one-token request
    const double v = number_at(row[c], "requests.csv", &row - t.rows.data() + 1, column);
    if (v > 0) values.push_back(v);
  }
  std::sort(values.begin(), values.end());
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) {
    s += fmt::format("{:.9g} {:.6f}\n", values[i], double(i + 1) / double(values.size()));
  }
  return s + "\n\n";  // a gnuplot data block ends with two blank lines
}

/// Key/number pairs of the object at `key` inside metrics.json's `bound` object (nulls left
/// out), and the numbers directly in `bound` and at the top.
struct BoundFigures {
  std::map<std::string, double> top, bound, by_resource;
};

void read_numbers(JsonCursor& c, std::map<std::string, double>& into,
                  const std::function<void(const std::string&)>& on_object) {
  c.begin_object();
  std::string key;
  while (c.next_member(key)) {
    const char first = c.peek();
    if (first == '{') {
      on_object(key);
    } else if (first == '-' || (first >= '0' && first <= '9')) {
      into[key] = c.read_number();
    } else {
      c.skip_value();
    }
  }
}

BoundFigures bound_figures(const fs::path& metrics) {
  const std::string text = read_all(metrics);
  JsonCursor c(text, metrics.string());
  BoundFigures f;
  read_numbers(c, f.top, [&](const std::string& key) {
    if (key != "bound") return c.skip_value();
    read_numbers(c, f.bound, [&](const std::string& inner) {
      if (inner != "by_resource" && inner != "by_resource_us") return c.skip_value();
      read_numbers(c, f.by_resource, [&](const std::string&) { c.skip_value(); });
    });
  });
  return f;
}

}  // namespace

size_t CsvTable::index(const std::string& column, const std::string& what) const {
  const auto it = std::find(columns.begin(), columns.end(), column);
  if (it == columns.end()) {
    throw ConfigError(
        fmt::format("{}: no column \"{}\" (columns: {})", what, column, fmt::join(columns, ", ")));
  }
  return static_cast<size_t>(it - columns.begin());
}

CsvTable read_csv(const fs::path& file) {
  std::istringstream in(read_all(file));
  CsvTable t;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::vector<std::string> fields = split_csv_line(line);
    if (t.columns.empty()) {
      t.columns = std::move(fields);
      continue;
    }
    if (fields.size() != t.columns.size()) {
      throw ConfigError(fmt::format("{}:{}: {} fields, the header has {}", file.string(), number,
                                    fields.size(), t.columns.size()));
    }
    t.rows.push_back(std::move(fields));
  }
  if (t.columns.empty()) throw ConfigError(fmt::format("{}: empty file", file.string()));
  return t;
}

std::string with_terminals(const std::string& stem, const std::string& body) {
  return fmt::format(
      "set terminal pngcairo size 900,600 noenhanced\nset output '{0}.png'\n{1}"
      "set terminal svg size 900,600 noenhanced\nset output '{0}.svg'\nreplot\nunset output\n",
      stem, body);
}

PlotJob latency_cdf_plot(const fs::path& run) {
  const CsvTable t = read_csv(run / "requests.csv");
  PlotJob job{"latency_cdf", {}, ""};
  job.data.emplace_back("latency_cdf.dat", cdf_block(t, "ttft_s") + cdf_block(t, "tpot_s") +
                                               cdf_block(t, "latency_s"));
  job.script = with_terminals(
      job.name,
      "set title 'Latency CDFs'\nset xlabel 'seconds (log scale)'\n"
      "set ylabel 'fraction of requests'\nset logscale x\nset key bottom right\nset grid\n"
      "plot 'latency_cdf.dat' index 0 using 1:2 with steps lw 2 title 'TTFT', \\\n"
      "     '' index 1 using 1:2 with steps lw 2 title 'TPOT', \\\n"
      "     '' index 2 using 1:2 with steps lw 2 title 'request latency'\n");
  return job;
}

PlotJob rank_heatmap_plot(const fs::path& run) {
  const CsvTable t = read_csv(run / "layers.csv");
  const size_t layer = t.index("layer", "layers.csv"), rank = t.index("rank", "layers.csv"),
               share = t.index("busy_share", "layers.csv");
  std::map<std::pair<int, int>, std::string> cells;
  int layers = 0, ranks = 0;
  for (const auto& row : t.rows) {
    const size_t line = &row - t.rows.data() + 1;
    const int l = static_cast<int>(number_at(row[layer], "layers.csv", line, "layer"));
    const int r = static_cast<int>(number_at(row[rank], "layers.csv", line, "rank"));
    if (l < 0 || r < 0 || l > 100000 || r > 100000) {
      throw ConfigError(fmt::format("layers.csv: data row {}: layer or rank out of range", line));
    }
    cells[{l, r}] = row[share];
    layers = std::max(layers, l + 1);
    ranks = std::max(ranks, r + 1);
  }
  std::string matrix;
  for (int l = 0; l < layers; ++l) {
    for (int r = 0; r < ranks; ++r) {
      const auto it = cells.find({l, r});
      matrix += (r > 0 ? " " : "") + (it != cells.end() ? it->second : std::string("0"));
    }
    matrix += "\n";
  }
  PlotJob job{"rank_heatmap", {{"rank_heatmap.dat", matrix}}, ""};
  job.script = with_terminals(
      job.name, fmt::format("set title 'Kernel busy share per rank and decoder layer'\n"
                            "set xlabel 'rank'\nset ylabel 'decoder layer'\n"
                            "set xrange [-0.5:{}]\nset yrange [-0.5:{}]\n"
                            "set cblabel 'share of the run'\nset palette rgb 33,13,10\n"
                            "plot 'rank_heatmap.dat' matrix with image notitle\n",
                            ranks - 0.5, layers - 0.5));
  return job;
}

PlotJob run_bound_plot(const fs::path& run) {
  const BoundFigures f = bound_figures(run / "metrics.json");
  if (f.by_resource.empty()) {
    throw ConfigError(fmt::format("{}: no bound block (written by moesim run since step 10)",
                                  (run / "metrics.json").string()));
  }
  const bool serving = f.top.count("output_tokens_per_s") > 0;
  std::string data;
  int i = 0;
  for (const auto& [resource, value] : f.by_resource) {
    data += fmt::format("{} {} {:.9g}\n", i++, gp_quoted(resource), value);
  }
  const double achieved = serving ? f.top.at("output_tokens_per_s") : f.top.at("total_us");
  PlotJob job{"bound", {{"bound.dat", data}}, ""};
  job.script = with_terminals(
      job.name,
      fmt::format("set title '{}'\nset ylabel '{}'\nset logscale y\nset style fill solid 0.6\n"
                  "set boxwidth 0.6\nset grid ytics\nset xrange [-0.6:{}]\n"
                  "plot 'bound.dat' using 1:3:xtic(2) with boxes title '{}', \\\n"
                  "     {:.9g} with lines lw 2 title '{}'\n",
                  serving ? "Output throughput each resource allows, and what the run achieved"
                          : "Least step time each resource allows, and the simulated step",
                  serving ? "output tokens/s (log scale)" : "microseconds (log scale)", i - 0.4,
                  serving ? "bound of the resource" : "resource time at the hardware limit",
                  achieved, serving ? "achieved" : "simulated step"));
  return job;
}

PlotJob metric_plot(const fs::path& results, const std::string& x, const std::string& y,
                    const std::string& series, const std::vector<std::string>& where,
                    const std::string& name) {
  CsvTable t = read_csv(results);
  for (const std::string& condition : where) {
    const size_t eq = condition.find('=');
    if (eq == std::string::npos) {
      throw ConfigError(fmt::format("--where {}: expected COLUMN=VALUE", condition));
    }
    const size_t c = t.index(condition.substr(0, eq), "--where");
    const std::string value = condition.substr(eq + 1);
    std::erase_if(t.rows, [&](const std::vector<std::string>& row) { return row[c] != value; });
  }
  const size_t xi = t.index(x, "--x"), yi = t.index(y, "--y");
  const size_t si = series.empty() ? 0 : t.index(series, "--series");
  // A numeric x is its value; words (a strategy, a generator) are placed in order of first
  // appearance and labelled.
  std::vector<std::string> categories;
  bool numeric = true;
  for (const auto& row : t.rows) {
    char* end = nullptr;
    const double v = std::strtod(row[xi].c_str(), &end);
    if (row[xi].empty() || *end != '\0' || !std::isfinite(v)) numeric = false;
    if (std::find(categories.begin(), categories.end(), row[xi]) == categories.end()) {
      categories.push_back(row[xi]);
    }
  }
  auto position = [&](const std::string& value) {
    return numeric ? std::strtod(value.c_str(), nullptr)
                   : double(std::find(categories.begin(), categories.end(), value) -
                            categories.begin());
  };
  std::map<std::string, std::vector<std::pair<double, std::string>>> lines;
  for (const auto& row : t.rows) {
    if (row[yi].empty()) continue;  // a point without a result
    number_at(row[yi], results.filename().string(), &row - t.rows.data() + 1, y);
    lines[series.empty() ? y : row[si]].emplace_back(position(row[xi]), row[yi]);
  }
  std::string xtics;
  if (!numeric) {
    for (size_t i = 0; i < categories.size(); ++i) {
      xtics += fmt::format("{}{} {}", i == 0 ? "set xtics (" : ", ", gp_string(categories[i]), i);
    }
    xtics += ")\n";
  }
  std::string data, plots;
  int index = 0;
  for (auto& [label, points] : lines) {
    std::sort(points.begin(), points.end());
    for (const auto& [px, py] : points) data += fmt::format("{:.9g} {}\n", px, py);
    data += "\n\n";
    plots += fmt::format("{}'{}.dat' index {} using 1:2 with linespoints lw 2 title {}",
                         index == 0 ? "plot " : ", \\\n     ", name, index,
                         gp_string(series.empty() ? label : series + " " + label));
    ++index;
  }
  PlotJob job{name, {{name + ".dat", data}}, ""};
  job.script = with_terminals(
      name, fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n"
                        "set grid\nset key top left\n{}{}\n",
                        gp_string(y + " against " + x), gp_string(x), gp_string(y), xtics, plots));
  return job;
}

}  // namespace moesim
