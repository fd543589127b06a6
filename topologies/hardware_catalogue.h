#pragma once
/// The hardware catalogue: GPUs, CPUs and link technologies by name. Filled by
/// load_hardware_catalogue (topologies/catalogue_loader.h) from topologies/catalogue/*.yaml.

#include <map>
#include <string>
#include <vector>

#include "topologies/hardware_specs.h"

namespace moesim {

class HardwareCatalogue {
 public:
  /// Adds an entry; throws std::invalid_argument on a duplicate name.
  void add(LinkSpec link);
  void add(GpuSpec gpu);
  void add(CpuSpec cpu);

  /// Replaces the link of the same name; throws std::invalid_argument if there is none.
  void replace(LinkSpec link);

  /// The entry by name; throws std::invalid_argument naming it and listing the known names.
  const LinkSpec& link(const std::string& name) const;
  const GpuSpec& gpu(const std::string& name) const;
  const CpuSpec& cpu(const std::string& name) const;

  bool has_link(const std::string& name) const { return links_.count(name) > 0; }
  bool has_gpu(const std::string& name) const { return gpus_.count(name) > 0; }
  bool has_cpu(const std::string& name) const { return cpus_.count(name) > 0; }

  const std::map<std::string, LinkSpec>& links() const { return links_; }
  const std::map<std::string, GpuSpec>& gpus() const { return gpus_; }
  const std::map<std::string, CpuSpec>& cpus() const { return cpus_; }

 private:
  std::map<std::string, LinkSpec> links_;
  std::map<std::string, GpuSpec> gpus_;
  std::map<std::string, CpuSpec> cpus_;
};

/// "a, b, c": the keys of a catalogue map, for error messages.
template <class Map>
std::string joined_names(const Map& map) {
  std::string out;
  for (const auto& [name, value] : map) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace moesim
