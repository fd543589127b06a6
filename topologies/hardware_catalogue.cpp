#include "topologies/hardware_catalogue.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {
namespace {

template <class Spec>
void insert(std::map<std::string, Spec>& map, Spec spec, const char* what) {
  const std::string name = spec.name;
  if (!map.emplace(name, std::move(spec)).second) {
    throw std::invalid_argument(
        fmt::format("duplicate {} '{}' in the hardware catalogue", what, name));
  }
}

template <class Spec>
const Spec& find(const std::map<std::string, Spec>& map, const std::string& name,
                 const char* what) {
  const auto it = map.find(name);
  if (it == map.end()) {
    throw std::invalid_argument(
        fmt::format("unknown {} '{}' (the catalogue has: {})", what, name, joined_names(map)));
  }
  return it->second;
}

}  // namespace

void HardwareCatalogue::add(LinkSpec link) {
  insert(links_, std::move(link), "link");
}
void HardwareCatalogue::add(GpuSpec gpu) {
  insert(gpus_, std::move(gpu), "GPU");
}
void HardwareCatalogue::add(CpuSpec cpu) {
  insert(cpus_, std::move(cpu), "CPU");
}

void HardwareCatalogue::replace(LinkSpec link) {
  find(links_, link.name, "link");  // throws for an unknown link
  links_[link.name] = std::move(link);
}

const LinkSpec& HardwareCatalogue::link(const std::string& name) const {
  return find(links_, name, "link");
}
const GpuSpec& HardwareCatalogue::gpu(const std::string& name) const {
  return find(gpus_, name, "GPU");
}
const CpuSpec& HardwareCatalogue::cpu(const std::string& name) const {
  return find(cpus_, name, "CPU");
}

}  // namespace moesim
