#include "cli/validation/deepep_tables.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

constexpr uint32_t kGpusPerNode = 8;  // aiconfigurator: EP = node_num x 8

/// A whole number in [min, max] from a cell, or a ConfigError naming file, line and column.
uint32_t whole(const CsvTable& t, size_t row, size_t col, double min, double max) {
  const double v = t.number(row, col);
  if (v != std::floor(v) || v < min || v > max) {
    throw ConfigError(fmt::format("{}:{}: {}: expected a whole number in [{}, {}], got \"{}\"",
                                  t.file(), t.line_of(row), t.header()[col], min, max,
                                  t.cell(row, col)));
  }
  return static_cast<uint32_t>(v);
}

double positive_time(const CsvTable& t, size_t row, size_t col) {
  const double v = t.number(row, col);
  if (!(v > 0)) {
    throw ConfigError(fmt::format("{}:{}: {}: expected a positive time in us, got \"{}\"", t.file(),
                                  t.line_of(row), t.header()[col], t.cell(row, col)));
  }
  return v;
}

}  // namespace

const std::vector<EpTable>& ep_tables() {
  static const std::vector<EpTable> tables = {
      {"h100_sxm_comm_sglang_0.5.12_wideep_deepep_normal_perf.csv", "H100-SXM", "h100_sxm",
       EpFamily::normal},
      {"h100_sxm_comm_sglang_0.5.12_wideep_deepep_ll_perf.csv", "H100-SXM", "h100_sxm",
       EpFamily::low_latency},
      {"gb200_comm_sglang_0.5.12_wideep_deepep_normal_perf.csv", "GB200", "gb200",
       EpFamily::normal},
      {"gb200_comm_sglang_0.5.12_wideep_deepep_ll_perf.csv", "GB200", "gb200",
       EpFamily::low_latency},
  };
  return tables;
}

std::vector<EpMeasurement> read_deepep_table(const std::filesystem::path& file, EpFamily family) {
  const CsvTable t = CsvTable::read(file);
  const bool normal = family == EpFamily::normal;
  const size_t nodes_col = t.column("node_num"), hidden_col = t.column("hidden_size");
  const size_t tokens_col = t.column("num_token"), topk_col = t.column("num_topk");
  const size_t experts_col = t.column("num_experts");
  const size_t dispatch_col = t.column(normal ? "dispatch_transmit_us" : "dispatch_avg_t_us");
  const size_t combine_col = t.column(normal ? "combine_transmit_us" : "combine_avg_t_us");
  const size_t sms_col = normal ? t.column("dispatch_sms") : 0;
  const size_t combine_sms_col = normal ? t.column("combine_sms") : 0;
  std::vector<EpMeasurement> rows;
  for (size_t r = 0; r < t.rows(); ++r) {
    EpMeasurement m;
    m.line = t.line_of(r);
    m.shape.nodes = 1;  // the NVLink domain of one row; node_num counts 8-GPU groups
    m.shape.ranks = kGpusPerNode * whole(t, r, nodes_col, 1, 1);
    m.shape.hidden = whole(t, r, hidden_col, 128, 65536);
    m.shape.tokens_per_rank = whole(t, r, tokens_col, 1, 1e7);
    m.shape.experts = whole(t, r, experts_col, 1, 4096);
    m.shape.top_k = whole(t, r, topk_col, 1, m.shape.experts);
    if (m.shape.experts % m.shape.ranks != 0) {
      throw ConfigError(fmt::format("{}:{}: num_experts: {} experts do not split over {} ranks",
                                    t.file(), m.line, m.shape.experts, m.shape.ranks));
    }
    if (normal) {
      m.sms = whole(t, r, sms_col, 1, 1024);
      if (whole(t, r, combine_sms_col, 1, 1024) != m.sms) {
        throw ConfigError(fmt::format("{}:{}: combine_sms: expected the dispatch_sms value {}",
                                      t.file(), m.line, m.sms));
      }
      m.fit_row = m.shape.top_k == 8 && m.shape.experts == 256;
    } else {
      m.fit_row = m.shape.hidden == 4096;
    }
    m.dispatch_us = positive_time(t, r, dispatch_col);
    m.combine_us = positive_time(t, r, combine_col);
    rows.push_back(m);
  }
  return rows;
}

EpTraffic row_traffic(const EpMeasurement& row, EpFamily family, EpKernel kernel) {
  const uint32_t h = row.shape.hidden;
  if (family == EpFamily::normal) {
    const double bytes = kernel == EpKernel::dispatch ? DeepEpModel::fp8_token_bytes(h)
                                                      : DeepEpModel::bf16_token_bytes(h);
    return DeepEpModel::uniform_traffic(row.shape, bytes, EpCopies::per_rank);
  }
  const double bytes = kernel == EpKernel::dispatch ? DeepEpModel::ll_dispatch_message_bytes(h)
                                                    : DeepEpModel::bf16_token_bytes(h);
  return DeepEpModel::uniform_traffic(row.shape, bytes, EpCopies::per_expert);
}

double row_time_us(const EpMeasurement& row, EpKernel kernel) {
  return kernel == EpKernel::dispatch ? row.dispatch_us : row.combine_us;
}

double model_time_us(const DeepEpModel& model, const EpMeasurement& row, EpFamily family,
                     EpKernel kernel) {
  const EpTraffic traffic = row_traffic(row, family, kernel);
  if (family == EpFamily::normal) {
    return kernel == EpKernel::dispatch ? model.normal_dispatch_us(traffic, row.sms)
                                        : model.normal_combine_us(traffic, row.sms);
  }
  return kernel == EpKernel::dispatch ? model.low_latency_dispatch_us(traffic)
                                      : model.low_latency_combine_us(traffic);
}

std::vector<EpFitPoint> fit_points(const std::vector<EpMeasurement>& rows, EpFamily family,
                                   EpKernel kernel, uint32_t device_sms) {
  std::vector<EpFitPoint> points;
  for (const EpMeasurement& m : rows) {
    if (!m.fit_row) continue;
    const EpTraffic t = row_traffic(m, family, kernel);
    const uint32_t sms = family == EpFamily::normal
                             ? m.sms
                             : DeepEpModel::low_latency_sms(m.shape.experts, device_sms);
    points.push_back({row_time_us(m, kernel), std::max(t.send_bytes, t.recv_bytes),
                      static_cast<double>(t.tokens), static_cast<double>(m.shape.hidden), sms});
  }
  return points;
}

const char* to_string(EpFamily family) {
  return family == EpFamily::normal ? "normal" : "ll";
}

const char* to_string(EpKernel kernel) {
  return kernel == EpKernel::dispatch ? "dispatch" : "combine";
}

}  // namespace moesim
