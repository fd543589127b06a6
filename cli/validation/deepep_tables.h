#pragma once
/// The measured DeepEP tables of topologies/measured/deepep (PROVENANCE.md there) and their
/// fit/check split.
///
/// Fit rows: normal tables, the rows with top-8 of 256 experts (the DeepSeek-V3 routing, at
/// every hidden size, token count and SM budget); low-latency tables, the rows with hidden 4096
/// (8 to 512 experts, so the few-SM launches of few experts are in the fit). Every other row is
/// a check row. The split is per family because each family's constants need rows that vary
/// what they describe: the combine's per-hidden latency needs several hidden sizes, the
/// low-latency SM rate needs launches on few SMs.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/deepep_fit.h"
#include "models/comm/deepep_model.h"

namespace moesim {

enum class EpFamily { normal, low_latency };
enum class EpKernel { dispatch, combine };

/// One measured table and the GPU of gpus.yaml it was measured on.
struct EpTable {
  std::string file;  ///< under topologies/measured/deepep/
  std::string gpu;   ///< gpus.yaml key
  std::string name;  ///< short name for targets, e.g. "h100_sxm"
  EpFamily family;
};
const std::vector<EpTable>& ep_tables();

/// One row: both kernels' times at one shape (and SM budget for normal rows).
struct EpMeasurement {
  EpShape shape;     ///< ranks = 8 x node_num
  uint32_t sms = 0;  ///< SM budget (normal); 0 for low-latency rows
  double dispatch_us = 0, combine_us = 0;
  size_t line = 0;       ///< line in the file
  bool fit_row = false;  ///< in the fit subset of its family (see above)
};

/// Reads one table of `family`. Throws ConfigError naming file, line and column on bad rows.
std::vector<EpMeasurement> read_deepep_table(const std::filesystem::path& file, EpFamily family);

/// The traffic of a row's kernel under uniform routing, as the model takes it.
EpTraffic row_traffic(const EpMeasurement& row, EpFamily family, EpKernel kernel);

/// The measured time of a row's kernel.
double row_time_us(const EpMeasurement& row, EpKernel kernel);

/// The model's time of a row's kernel.
double model_time_us(const DeepEpModel& model, const EpMeasurement& row, EpFamily family,
                     EpKernel kernel);

/// The fit rows of a table as fit points of one kernel (low-latency rows on the SMs DeepEP
/// launches for them on a GPU of `device_sms` SMs).
std::vector<EpFitPoint> fit_points(const std::vector<EpMeasurement>& rows, EpFamily family,
                                   EpKernel kernel, uint32_t device_sms);

const char* to_string(EpFamily family);
const char* to_string(EpKernel kernel);

}  // namespace moesim
