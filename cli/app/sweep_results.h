#pragma once
/// `moesim sweep collect`: results.csv, a row per point of a sweep folder with its axis values
/// and the headline figures of its metrics.json.

#include <filesystem>
#include <map>
#include <string>

namespace moesim {

/// The numbers and strings of a metrics.json at the top level and one object down, keyed
/// "duration_s" and "ttft_s.p90"; arrays and deeper objects are skipped, null is "". Numbers
/// are written back in the shortest form that reads as the same double. ConfigError naming
/// `where` if the text is not JSON.
std::map<std::string, std::string> flat_metrics(const std::string& text, const std::string& where);

/// results.csv of the sweep folder `dir`: "id,<axes>,status,<metrics>", a row per point of
/// points.csv in its order; status is "ok", or "missing" (empty metrics) for a point without
/// metrics.json. The metric columns are the serving ones when the first point with a result is
/// a serving run, else the layer ones. Depends only on the files, so it is byte-deterministic.
std::string format_results_csv(const std::filesystem::path& dir);

}  // namespace moesim
