#include "cli/validation/validation_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace moesim {

bool ValidationRow::pass() const {
  return std::fabs(rel_error()) <= threshold;
}

std::string format_validation_csv(const std::vector<ValidationRow>& rows) {
  std::string s = "suite,target,metric,measured,simulated,rel_error,threshold,pass\n";
  auto out = std::back_inserter(s);
  for (const ValidationRow& r : rows) {
    fmt::format_to(out, "{},{},{},{},{},{:.6f},{},{}\n", r.suite, r.target, r.metric, r.measured,
                   r.simulated, r.rel_error(), r.threshold, r.pass() ? "true" : "false");
  }
  return s;
}

ErrorSummary summarise_errors(const std::vector<const ValidationRow*>& rows) {
  ErrorSummary summary;
  summary.count = rows.size();
  if (rows.empty()) return summary;
  std::vector<double> errors;
  for (const ValidationRow* r : rows) errors.push_back(std::fabs(r->rel_error()));
  std::sort(errors.begin(), errors.end());
  const size_t n = errors.size();
  summary.median_abs = n % 2 == 1 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
  // Nearest rank: the smallest value with at least 90% of the values at or below it.
  const auto rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  summary.p90_abs = errors[std::max<size_t>(rank, 1) - 1];
  return summary;
}

std::string format_goal_summary(const std::vector<ValidationGoal>& goals,
                                const std::vector<ValidationRow>& rows,
                                std::optional<size_t> report_only_rows) {
  std::string s;
  auto out = std::back_inserter(s);
  size_t met = 0;
  std::vector<std::string> missed;
  for (const ValidationGoal& g : goals) {
    if (!g.name.empty()) fmt::format_to(out, "goal: {}: {}\n", g.name, g.met ? "met" : "NOT met");
    if (g.met) {
      ++met;
    } else {
      missed.push_back(g.name);
    }
  }
  size_t passed = 0;
  for (const ValidationRow& r : rows) passed += r.pass() ? 1 : 0;
  fmt::format_to(out, "{} of {} rows within their own threshold (the pass column, a report)",
                 passed, rows.size());
  if (report_only_rows) fmt::format_to(out, "; {} rows under no goal", *report_only_rows);
  const bool named = std::any_of(goals.begin(), goals.end(),
                                 [](const ValidationGoal& g) { return !g.name.empty(); });
  if (!named) {
    fmt::format_to(out, "\ngoals {} (the goals stated above)\n",
                   missed.empty() ? "met" : "NOT met");
  } else if (missed.empty()) {
    fmt::format_to(out, "\ngoals met: {} of {}\n", met, goals.size());
  } else {
    fmt::format_to(out, "\ngoals NOT met: {} of {} met; missed: {}\n", met, goals.size(),
                   fmt::join(missed, "; "));
  }
  return s;
}

}  // namespace moesim
