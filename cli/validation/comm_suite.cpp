#include "cli/validation/comm_suite.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kSmallMessageBytes = 4096.0;  // at or below: the latency floor
constexpr double kLargeThreshold = 0.15;       // goal: median |rel_error| on NVLink, >= 1 MiB
constexpr double kOtherThreshold = 0.5;        // every other row (reported, not a goal)

}  // namespace

const std::vector<CommTable>& comm_tables() {
  static const std::vector<CommTable> tables = {
      {"a100_sxm_comm_nccl_2.27.3_nccl_perf.csv", "a100_hgx", true},
      {"h100_sxm_comm_nccl_2.29.2_nccl_perf.csv", "h100_hgx", true},
      {"gb200_comm_nccl_2.29.2_nccl_perf.csv", "gb200_tray", true},
      {"l40s_comm_nccl_2.27.3_nccl_perf.csv", "l40s_pcie_server", false},
      {"rtx_pro_6000_server_comm_nccl_2.29.2_nccl_perf.csv", "rtx_pro_6000_server", false},
  };
  return tables;
}

std::vector<CommMeasurement> read_nccl_table(const std::filesystem::path& file) {
  const CsvTable t = CsvTable::read(file);
  const size_t op_col = t.column("op_name"), dtype_col = t.column("nccl_dtype");
  const size_t gpus_col = t.column("num_gpus"), size_col = t.column("message_size");
  const size_t latency_col = t.column("latency");
  std::vector<CommMeasurement> rows;
  for (size_t r = 0; r < t.rows(); ++r) {
    const auto op = parse_collective(t.cell(r, op_col));
    if (!op) {
      throw ConfigError(fmt::format("{}:{}: op_name: unknown collective \"{}\"", t.file(),
                                    t.line_of(r), t.cell(r, op_col)));
    }
    const std::string& dtype = t.cell(r, dtype_col);
    if (dtype != "half" && dtype != "int8") {
      throw ConfigError(fmt::format("{}:{}: nccl_dtype: expected half or int8, got \"{}\"",
                                    t.file(), t.line_of(r), dtype));
    }
    const double elements = t.number(r, size_col);
    rows.push_back(CommMeasurement{
        *op, dtype == "int8", static_cast<uint32_t>(t.number(r, gpus_col)),
        elements * (dtype == "half" ? 2.0 : 1.0), t.number(r, latency_col) * 1e3});  // ms -> us
  }
  return rows;
}

CommSuiteReport run_comm_suite(const std::filesystem::path& data_dir,
                               const std::map<std::string, SystemConfig>& systems,
                               const HardwareCatalogue& catalogue) {
  CommSuiteReport report;
  report.goals_met = true;
  auto out = std::back_inserter(report.summary);
  fmt::format_to(out, "{:<44} {:<15} {:>5} {:>10} {:>10}\n", "table (check rows: half)",
                 "collective", "rows", "median|e|", "P90|e|");
  for (const CommTable& table : comm_tables()) {
    const auto it = systems.find(table.system);
    if (it == systems.end()) throw ConfigError("systems.yaml has no system '" + table.system + "'");
    const SystemConfig& config = it->second;
    const BuiltSystem system = build_system(config, catalogue);
    std::map<std::string, std::vector<size_t>> by_op;
    std::vector<size_t> large, small;
    std::map<std::string, std::vector<double>> small_ratios;  // by collective and group size
    for (const CommMeasurement& m : read_nccl_table(data_dir / table.file)) {
      if (m.fit_row) continue;
      const Time t = simulate_collective(config, system, m.op, m.ranks, m.bytes, config.comm);
      ValidationRow row;
      row.suite = "comm";
      row.target = fmt::format("{}/{}/n{}/{}B", table.system, to_string(m.op), m.ranks, m.bytes);
      row.metric = "latency_us";
      row.measured = m.latency_us;
      row.simulated = t.microseconds();
      row.threshold = table.nvlink && m.bytes >= kMiB ? kLargeThreshold : kOtherThreshold;
      const size_t index = report.rows.size();
      report.rows.push_back(row);
      by_op[std::string(to_string(m.op))].push_back(index);
      if (m.bytes >= kMiB) large.push_back(index);
      if (!table.nvlink || (m.bytes > kSmallMessageBytes && m.bytes < kMiB)) {
        ++report.report_only_rows;
      }
      if (m.bytes <= kSmallMessageBytes) {
        small.push_back(index);
        small_ratios[fmt::format("{}/n{}", to_string(m.op), m.ranks)].push_back(row.simulated /
                                                                                row.measured);
      }
    }
    auto pointers = [&](const std::vector<size_t>& idx) {
      std::vector<const ValidationRow*> p;
      for (const size_t i : idx) p.push_back(&report.rows[i]);
      return p;
    };
    for (const auto& [op, idx] : by_op) {
      const ErrorSummary s = summarise_errors(pointers(idx));
      fmt::format_to(out, "{:<44} {:<15} {:>5} {:>9.1f}% {:>9.1f}%\n", table.file, op, s.count,
                     100 * s.median_abs, 100 * s.p90_abs);
    }
    const ErrorSummary big = summarise_errors(pointers(large));
    // The floor of a collective at a group size is the level of its small-message rows: the
    // median of their simulated / measured ratios, robust to single noisy measurements.
    size_t rows_within_2x = 0, floors_within_2x = 0;
    for (const size_t i : small) {
      const double ratio = report.rows[i].simulated / report.rows[i].measured;
      if (ratio >= 0.5 && ratio <= 2.0) ++rows_within_2x;
    }
    for (auto& [group, ratios] : small_ratios) {
      std::sort(ratios.begin(), ratios.end());
      const size_t n = ratios.size();
      const double median = n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
      if (median >= 0.5 && median <= 2.0) ++floors_within_2x;
    }
    const bool large_ok = !table.nvlink || big.median_abs <= kLargeThreshold;
    const bool small_ok = !table.nvlink || floors_within_2x == small_ratios.size();
    report.goals_met = report.goals_met && large_ok && small_ok;
    if (table.nvlink) {
      report.goals.push_back({fmt::format("{} >= 1 MiB: median |rel_error| <= {:.0f}%",
                                          table.system, 100 * kLargeThreshold),
                              large_ok});
      report.goals.push_back(
          {fmt::format("{} <= 4 KiB: every collective's floor within 2x", table.system), small_ok});
    }
    fmt::format_to(out, "{:<44} {:<15} {:>5} {:>9.1f}% {:>9.1f}%  {}\n", table.file, ">= 1 MiB",
                   big.count, 100 * big.median_abs, 100 * big.p90_abs,
                   table.nvlink ? (large_ok ? "goal <= 15%: met" : "goal <= 15%: NOT met")
                                : "(PCIe: reported, no goal)");
    fmt::format_to(out, "{:<44} {:<15} {:>5} rows within 2x: {}/{}; floors within 2x: {}/{}{}\n",
                   table.file, "<= 4 KiB", small.size(), rows_within_2x, small.size(),
                   floors_within_2x, small_ratios.size(),
                   table.nvlink ? (small_ok ? "  goal: met" : "  goal: NOT met")
                                : "  (PCIe: reported, no goal)");
  }
  return report;
}

}  // namespace moesim
