#pragma once
/// The validation.csv format every validation suite writes, and error summaries.
///
/// Columns: suite,target,metric,measured,simulated,rel_error,threshold,pass where
/// rel_error = (simulated - measured) / measured and pass = |rel_error| <= threshold.

#include <optional>
#include <string>
#include <vector>

namespace moesim {

struct ValidationRow {
  std::string suite;   ///< "comm", "kernels", ...
  std::string target;  ///< what was measured, e.g. "h100_hgx/all_gather/n8/2097152B"
  std::string metric;  ///< quantity and unit, e.g. "latency_us"
  double measured = 0.0;
  double simulated = 0.0;
  double threshold = 0.0;  ///< the largest |rel_error| that passes

  double rel_error() const { return (simulated - measured) / measured; }
  bool pass() const;
};

/// The CSV text, header included, rows in the given order; numbers in shortest round-trip form.
std::string format_validation_csv(const std::vector<ValidationRow>& rows);

struct ErrorSummary {
  size_t count = 0;
  double median_abs = 0.0;  ///< median of |rel_error|
  double p90_abs = 0.0;     ///< 90th percentile of |rel_error| (nearest rank)
};

/// Median and P90 of |rel_error| over the rows.
ErrorSummary summarise_errors(const std::vector<const ValidationRow*>& rows);

/// A goal of a suite: a statement about a summary of rows (a median, a share within 2x), not
/// about one row, and whether this run met it. A row's own pass column is a report.
struct ValidationGoal {
  std::string name;
  bool met = false;
};

/// The closing lines of `moesim validate`: each goal with met or NOT met; the rows within their
/// own threshold and, when given, how many rows no goal covers (report-only); and "goals met"
/// only when every goal is met ("goals NOT met" naming the missed ones otherwise). A goal with
/// an empty name stands for a suite's goals printed in its own summary.
std::string format_goal_summary(const std::vector<ValidationGoal>& goals,
                                const std::vector<ValidationRow>& rows,
                                std::optional<size_t> report_only_rows);

}  // namespace moesim
