#pragma once
/// The plots `moesim plot` draws (docs/plots.md), each as gnuplot data and a script that
/// writes PNG (pngcairo) and SVG: from a run directory, the latency CDFs (requests.csv), the
/// per-rank load heatmap (layers.csv) and the run against its bound (metrics.json); from a
/// sweep's results.csv, a metric against a swept parameter with one line per series, and the
/// fraction of bound the same way.

#include <filesystem>
#include <string>
#include <vector>

namespace moesim {

/// One plot: data files to write, then a gnuplot script that reads them.
struct PlotJob {
  std::string name;  ///< file stem of the plot: "latency_cdf" -> latency_cdf.png, .svg
  std::vector<std::pair<std::string, std::string>> data;  ///< file name and content
  std::string script;                                     ///< gnuplot commands, no terminal
};

/// A table read from a CSV file with a header line. Throws ConfigError naming the file and
/// line of a row whose field count differs from the header's.
struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  /// The index of `column`; ConfigError naming `what` (the option) and the known columns.
  size_t index(const std::string& column, const std::string& what) const;
};
CsvTable read_csv(const std::filesystem::path& file);

/// TTFT, TPOT and request latency CDFs of a serving run's requests.csv.
PlotJob latency_cdf_plot(const std::filesystem::path& run);
/// Busy share of each rank in each decoder layer (layers.csv) as a heatmap.
PlotJob rank_heatmap_plot(const std::filesystem::path& run);
/// The run's achieved throughput (serving) or step time (layer) beside each resource's bound.
PlotJob run_bound_plot(const std::filesystem::path& run);
/// `y` against `x` of results.csv, one line per value of `series` ("" for one line), over the
/// rows whose columns hold the values `where` gives ("column=value" each).
PlotJob metric_plot(const std::filesystem::path& results, const std::string& x,
                    const std::string& y, const std::string& series,
                    const std::vector<std::string>& where, const std::string& name);

/// The terminal lines that write `stem`.png and `stem`.svg around `body` (plot commands).
std::string with_terminals(const std::string& stem, const std::string& body);

}  // namespace moesim
