#include "topologies/catalogue_loader.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "sim/config/yaml_map.h"

namespace moesim {
namespace {

/// Dtypes a GPU may list under peak_flops.
constexpr const char* kDtypes[] = {"fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"};

YamlMap open_catalogue_file(const std::filesystem::path& file) {
  return YamlMap(load_yaml_file(file.string()), file.string(), "");
}

void load_links(const std::filesystem::path& file, HardwareCatalogue& catalogue) {
  YamlMap root = open_catalogue_file(file);
  for (const std::string& name : root.keys()) {
    YamlMap m = root.get_map(name);
    LinkSpec link;
    link.name = name;
    link.kind = m.get_string("kind");
    constexpr const char* kKinds[] = {"pcie",     "nvlink",          "c2c", "xgmi", "infiniband",
                                      "ethernet", "cpu-interconnect"};
    if (std::find(std::begin(kKinds), std::end(kKinds), link.kind) == std::end(kKinds)) {
      m.fail("kind", fmt::format("unknown link kind \"{}\" (known: {})", link.kind,
                                 fmt::join(kKinds, ", ")));
    }
    link.bandwidth = m.get_bandwidth("bandwidth");
    link.latency = m.get_time("latency");
    link.source = m.get_string("source");
    m.finish();
    catalogue.add(std::move(link));
  }
  root.finish();
}

std::string link_reference(YamlMap& m, const std::string& key, const HardwareCatalogue& catalogue,
                           bool allow_none) {
  const std::string name = m.get_string(key);
  if (allow_none && name == "none") return "";
  if (!catalogue.has_link(name)) {
    m.fail(key, fmt::format("unknown link \"{}\" (links.yaml has: {}{})", name,
                            joined_names(catalogue.links()), allow_none ? ", or none" : ""));
  }
  return name;
}

void load_gpus(const std::filesystem::path& file, HardwareCatalogue& catalogue) {
  YamlMap root = open_catalogue_file(file);
  for (const std::string& name : root.keys()) {
    YamlMap m = root.get_map(name);
    GpuSpec gpu;
    gpu.name = name;
    YamlMap flops = m.get_map("peak_flops");
    for (const char* dtype : kDtypes) {
      if (flops.has(dtype)) gpu.peak_flops_by_dtype[dtype] = flops.get_flop_rate(dtype);
    }
    flops.finish();
    if (gpu.peak_flops_by_dtype.empty()) m.fail("peak_flops", "expected at least one dtype");
    gpu.memory_capacity = m.get_bytes("memory");
    gpu.memory_bandwidth = m.get_bandwidth("memory_bandwidth");
    gpu.scale_up_link = link_reference(m, "scale_up_link", catalogue, true);
    gpu.host_link = link_reference(m, "host_link", catalogue, false);
    if (m.has("usd_per_hour")) gpu.usd_per_hour = m.get_double("usd_per_hour", 0.0, 1e6);
    gpu.source = m.get_string("source");
    m.finish();
    catalogue.add(std::move(gpu));
  }
  root.finish();
}

void load_cpus(const std::filesystem::path& file, HardwareCatalogue& catalogue) {
  YamlMap root = open_catalogue_file(file);
  for (const std::string& name : root.keys()) {
    YamlMap m = root.get_map(name);
    CpuSpec cpu;
    cpu.name = name;
    cpu.cores = static_cast<uint32_t>(m.get_uint("cores", 1, 4096));
    cpu.memory_channels = static_cast<uint32_t>(m.get_uint("memory_channels", 1, 64));
    cpu.memory_bandwidth = m.get_bandwidth("memory_bandwidth");
    cpu.vector_flops = m.get_flop_rate("vector_flops");
    cpu.source = m.get_string("source");
    m.finish();
    catalogue.add(std::move(cpu));
  }
  root.finish();
}

}  // namespace

std::filesystem::path default_catalogue_dir() {
  if (const char* dir = std::getenv("MOESIM_CATALOGUE"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return MOESIM_CATALOGUE_DIR;
}

HardwareCatalogue load_hardware_catalogue(const std::filesystem::path& dir) {
  HardwareCatalogue catalogue;
  load_links(dir / "links.yaml", catalogue);  // first: GPUs refer to links
  load_gpus(dir / "gpus.yaml", catalogue);
  load_cpus(dir / "cpus.yaml", catalogue);
  return catalogue;
}

}  // namespace moesim
