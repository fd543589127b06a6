#include "models/validation/validation_report.h"

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

}  // namespace moesim
