#include "cli/app/host_profile_io.h"

#include <fmt/format.h>

#include "sim/config/yaml_map.h"

namespace moesim {

std::string format_host_profile(const HostProfile& p) {
  std::string s = std::string(kHostProfileMarker) + " (single thread, fp32, Eigen).\n";
  s += fmt::format("memory_bandwidth: \"{} B/s\"\n", p.memory_bandwidth);
  s += "gemm:  # [rows x 1024] x [1024 x 1024]\n";
  for (const auto& [rows, flops] : p.gemm_flops_by_rows) {
    s += fmt::format("  - {{rows: {}, flops: \"{} FLOP/s\"}}\n", rows, flops);
  }
  return s;
}

HostProfile load_host_profile(const std::string& path) {
  YamlMap root(load_yaml_file(path), path, "");
  HostProfile p;
  p.memory_bandwidth = root.get_bandwidth("memory_bandwidth");
  for (YamlMap& point : root.get_map_list("gemm")) {
    const auto rows = static_cast<double>(point.get_uint("rows", 1, 1u << 20));
    p.gemm_flops_by_rows[rows] = point.get_flop_rate("flops");
    point.finish();
  }
  if (p.gemm_flops_by_rows.empty()) root.fail("gemm", "expected at least one measured point");
  root.finish();
  return p;
}

}  // namespace moesim
