#include "cli/validation/comm_suite.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "topologies/system_loader.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kSmallMessageBytes = 4096.0;  // at or below: the latency floor
constexpr double kLargeThreshold = 0.15;       // goal: median |rel_error| on NVLink, >= 1 MiB
constexpr double kOtherThreshold = 0.5;        // every other row (reported, not a goal)

}  // namespace

bool comm_goals_apply(const SystemConfig& system) {
  return system.builder == "hgx" || system.builder == "nvl72";
}

std::vector<CommTable> catalogue_comm_tables(const std::filesystem::path& systems_file,
                                             const std::map<std::string, SystemConfig>& systems) {
  std::vector<CommTable> tables;
  for (const std::string& name : system_names(systems_file)) {
    const SystemConfig& system = systems.at(name);
    if (!system.comm_table.empty()) tables.push_back(CommTable{system, system.comm_table});
  }
  return tables;
}

std::vector<CommMeasurement> read_nccl_table(const std::filesystem::path& file, uint32_t max_gpus) {
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
    const double gpus = t.number(r, gpus_col);
    if (gpus < 2 || gpus > max_gpus || gpus != std::floor(gpus)) {
      throw ConfigError(fmt::format(
          "{}:{}: num_gpus: expected a whole number from 2 to {} (the machine's GPUs), got {}",
          t.file(), t.line_of(r), max_gpus, t.cell(r, gpus_col)));
    }
    const double elements = t.number(r, size_col);  // nccl-tests counts elements of the dtype
    rows.push_back(CommMeasurement{*op, dtype == "int8", static_cast<uint32_t>(gpus),
                                   elements * (dtype == "half" ? 2.0 : 1.0),
                                   t.number(r, latency_col) * 1e3});  // ms -> us
  }
  if (rows.empty()) throw ConfigError(fmt::format("{}: no rows under the header", t.file()));
  return rows;
}

CommSuiteReport run_comm_suite(const std::vector<CommTable>& tables,
                               const HardwareCatalogue& catalogue) {
  CommSuiteReport report;
  report.goals_met = true;
  auto out = std::back_inserter(report.summary);
  fmt::format_to(out, "{:<44} {:<15} {:>5} {:>10} {:>10}\n", "table (check rows: half)",
                 "collective", "rows", "median|e|", "P90|e|");
  for (const CommTable& table : tables) {
    const SystemConfig& config = table.system;
    const BuiltSystem system = build_system(config, catalogue);
    const bool nvlink = comm_goals_apply(config);
    // Rows of other machines are reported, named by what they are built as.
    const std::string no_goal = fmt::format(
        "({}: reported, no goal)", config.builder == "pcie_host" ? "PCIe" : config.builder);
    const std::string file = table.file.filename().string();
    const size_t first_row = report.rows.size();
    std::map<std::string, std::vector<size_t>> by_op;
    std::vector<size_t> large, small;
    std::map<std::string, std::vector<double>> small_ratios;  // by collective and group size
    for (const CommMeasurement& m : read_nccl_table(table.file, config.gpus * config.nodes)) {
      if (m.fit_row) continue;
      const Time t = simulate_collective(config, system, m.op, m.ranks, m.bytes, config.comm);
      ValidationRow row;
      row.suite = "comm";
      row.target = fmt::format("{}/{}/n{}/{}B", config.name, to_string(m.op), m.ranks, m.bytes);
      row.metric = "latency_us";
      row.measured = m.latency_us;
      row.simulated = t.microseconds();
      row.threshold = nvlink && m.bytes >= kMiB ? kLargeThreshold : kOtherThreshold;
      const size_t index = report.rows.size();
      report.rows.push_back(row);
      by_op[std::string(to_string(m.op))].push_back(index);
      if (m.bytes >= kMiB) large.push_back(index);
      if (!nvlink || (m.bytes > kSmallMessageBytes && m.bytes < kMiB)) {
        ++report.report_only_rows;
      }
      if (m.bytes <= kSmallMessageBytes) {
        small.push_back(index);
        small_ratios[fmt::format("{}/n{}", to_string(m.op), m.ranks)].push_back(row.simulated /
                                                                                row.measured);
      }
    }
    if (report.rows.size() == first_row) {
      throw ConfigError(
          fmt::format("{}: no check rows (nccl_dtype half) to validate", table.file.string()));
    }
    auto pointers = [&](const std::vector<size_t>& idx) {
      std::vector<const ValidationRow*> p;
      for (const size_t i : idx) p.push_back(&report.rows[i]);
      return p;
    };
    for (const auto& [op, idx] : by_op) {
      const ErrorSummary s = summarise_errors(pointers(idx));
      fmt::format_to(out, "{:<44} {:<15} {:>5} {:>9.1f}% {:>9.1f}%\n", file, op, s.count,
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
    const bool large_ok = !nvlink || big.median_abs <= kLargeThreshold;
    const bool small_ok = !nvlink || floors_within_2x == small_ratios.size();
    report.goals_met = report.goals_met && large_ok && small_ok;
    if (nvlink) {
      report.goals.push_back({fmt::format("{} >= 1 MiB: median |rel_error| <= {:.0f}%", config.name,
                                          100 * kLargeThreshold),
                              large_ok});
      report.goals.push_back(
          {fmt::format("{} <= 4 KiB: every collective's floor within 2x", config.name), small_ok});
    }
    fmt::format_to(out, "{:<44} {:<15} {:>5} {:>9.1f}% {:>9.1f}%  {}\n", file, ">= 1 MiB",
                   big.count, 100 * big.median_abs, 100 * big.p90_abs,
                   nvlink ? (large_ok ? "goal <= 15%: met" : "goal <= 15%: NOT met") : no_goal);
    fmt::format_to(out, "{:<44} {:<15} {:>5} rows within 2x: {}/{}; floors within 2x: {}/{}{}\n",
                   file, "<= 4 KiB", small.size(), rows_within_2x, small.size(), floors_within_2x,
                   small_ratios.size(),
                   nvlink ? (small_ok ? "  goal: met" : "  goal: NOT met") : "  " + no_goal);
  }
  return report;
}

}  // namespace moesim
