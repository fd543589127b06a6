#include "traces/workload/workload_file.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

const std::set<std::string> kColumns = {"request_id", "arrival_s", "input_tokens", "output_tokens",
                                        "routing_request"};

uint64_t parse_unsigned(const CsvTable& table, size_t row, size_t column, const char* name) {
  const std::string& s = table.cell(row, column);
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    throw ConfigError(fmt::format("{}:{}: column '{}': expected a non-negative integer, got \"{}\"",
                                  table.file(), table.line_of(row), name, s));
  }
  return v;
}

uint32_t parse_length(const CsvTable& table, size_t row, size_t column, const char* name) {
  const uint64_t v = parse_unsigned(table, row, column, name);
  if (v == 0 || v > std::numeric_limits<uint32_t>::max()) {
    throw ConfigError(fmt::format("{}:{}: column '{}': expected a length of 1 to {} tokens, got {}",
                                  table.file(), table.line_of(row), name,
                                  std::numeric_limits<uint32_t>::max(), v));
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

std::vector<WorkloadRequest> read_workload_csv(const std::filesystem::path& file) {
  const CsvTable table = CsvTable::read(file);
  // Unknown columns are errors so that a misspelt optional column is not silently ignored.
  for (const std::string& name : table.header()) {
    if (kColumns.count(name) == 0) {
      throw ConfigError(
          fmt::format("{}:1: unknown column '{}', expected request_id, arrival_s, input_tokens, "
                      "output_tokens and optionally routing_request",
                      table.file(), name));
    }
  }
  const size_t id_col = table.column("request_id");
  const size_t arrival_col = table.column("arrival_s");
  const size_t input_col = table.column("input_tokens");
  const size_t output_col = table.column("output_tokens");
  const auto& header = table.header();
  const bool has_routing =
      std::find(header.begin(), header.end(), "routing_request") != header.end();
  const size_t routing_col = has_routing ? table.column("routing_request") : 0;
  if (table.rows() == 0) {
    throw ConfigError(
        fmt::format("{}: no requests, expected at least one line after the header", table.file()));
  }

  std::vector<WorkloadRequest> requests;
  requests.reserve(table.rows());
  std::set<uint64_t> ids;
  for (size_t row = 0; row < table.rows(); ++row) {
    WorkloadRequest r;
    r.id = parse_unsigned(table, row, id_col, "request_id");
    if (!ids.insert(r.id).second) {
      throw ConfigError(
          fmt::format("{}:{}: request_id {} repeats an earlier line, expected "
                      "unique ids",
                      table.file(), table.line_of(row), r.id));
    }
    r.arrival_s = table.number(row, arrival_col);
    if (r.arrival_s < 0.0) {
      throw ConfigError(fmt::format("{}:{}: column 'arrival_s': expected seconds >= 0, got {}",
                                    table.file(), table.line_of(row), r.arrival_s));
    }
    if (!requests.empty() && r.arrival_s < requests.back().arrival_s) {
      throw ConfigError(fmt::format(
          "{}:{}: column 'arrival_s': {} is earlier than the previous line's {}, expected "
          "arrivals in non-decreasing order",
          table.file(), table.line_of(row), r.arrival_s, requests.back().arrival_s));
    }
    r.input_tokens = parse_length(table, row, input_col, "input_tokens");
    r.output_tokens = parse_length(table, row, output_col, "output_tokens");
    if (has_routing && !table.cell(row, routing_col).empty()) {
      r.routing_request = parse_unsigned(table, row, routing_col, "routing_request");
    }
    requests.push_back(r);
  }
  return requests;
}

void write_workload_csv(const std::filesystem::path& file,
                        const std::vector<WorkloadRequest>& requests) {
  std::filesystem::path staging = file;
  staging += ".partial";
  {
    std::ofstream out(staging, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write file", staging.string()));
    out << "request_id,arrival_s,input_tokens,output_tokens,routing_request\n";
    for (const WorkloadRequest& r : requests) {
      out << fmt::format("{},{:.9f},{},{},", r.id, r.arrival_s, r.input_tokens, r.output_tokens);
      if (r.routing_request) out << *r.routing_request;
      out << '\n';
    }
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(staging);
      throw std::runtime_error(fmt::format("{}: write failed", staging.string()));
    }
  }
  std::filesystem::rename(staging, file);
}

}  // namespace moesim
