#include "cli/hardware_listing.h"

#include <fmt/format.h>

#include "sim/units.h"

namespace moesim {
namespace {

std::string flops_by_dtype(const GpuSpec& gpu) {
  std::string out;
  for (const char* dtype : {"fp4", "fp8", "int8", "bf16", "fp16", "tf32", "fp32"}) {
    const auto it = gpu.peak_flops_by_dtype.find(dtype);
    if (it == gpu.peak_flops_by_dtype.end()) continue;
    out += fmt::format("{}{} {:g}", out.empty() ? "" : ", ", dtype, it->second / 1e12);
  }
  return out;
}

}  // namespace

std::string format_hardware_listing(const HardwareCatalogue& c) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "gpus: dense peak TFLOP/s by dtype, memory, bandwidth, links\n");
  for (const auto& [name, g] : c.gpus()) {
    fmt::format_to(out, "  {:<14} {:>6g} GB {:>11}  scale-up {:<24} host {:<11} [{}]\n", name,
                   g.memory_capacity / 1e9, format_bandwidth(g.memory_bandwidth),
                   g.scale_up_link.empty() ? "none" : g.scale_up_link, g.host_link,
                   flops_by_dtype(g));
  }
  fmt::format_to(out, "\ncpus: cores, DDR channels, memory bandwidth, fp32 vector FLOP/s\n");
  for (const auto& [name, cpu] : c.cpus()) {
    fmt::format_to(out, "  {:<20} {:>4} cores {:>3} ch {:>11} {:>8.4g} TFLOP/s\n", name, cpu.cores,
                   cpu.memory_channels, format_bandwidth(cpu.memory_bandwidth),
                   cpu.vector_flops / 1e12);
  }
  fmt::format_to(out, "\nlinks: kind, bandwidth per direction, latency per hop\n");
  for (const auto& [name, l] : c.links()) {
    fmt::format_to(out, "  {:<24} {:<16} {:>11} {:>10}\n", name, l.kind,
                   format_bandwidth(l.bandwidth), l.latency.to_string());
  }
  return s;
}

std::string format_topology_listing(const std::map<std::string, SystemConfig>& systems) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "topology builders (hardware.builder) and their parameters (default)\n");
  for (const BuilderDescription& b : topology_builders()) {
    fmt::format_to(out, "  {:<14} {}\n", b.name, b.description);
    for (const std::string& p : b.parameters) fmt::format_to(out, "  {:<14}   {}\n", "", p);
  }
  fmt::format_to(out, "\nsystems (hardware.system, topologies/catalogue/systems.yaml)\n");
  for (const auto& [name, system] : systems) {
    fmt::format_to(out, "  {:<20} {}\n", name, system.description);
  }
  return s;
}

}  // namespace moesim
