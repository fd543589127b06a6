#include "models/bounds/resource_roofline.h"

namespace moesim {

std::string_view to_string(Resource resource) {
  switch (resource) {
    case Resource::kCompute:
      return "compute";
    case Resource::kMemory:
      return "HBM";
    case Resource::kNetwork:
      return "network";
    case Resource::kHostLink:
      return "host link";
    case Resource::kKvCapacity:
      return "KV capacity";
    case Resource::kArrivals:
      return "arrivals";
  }
  return "unknown";
}

double ResourceTimes::bound() const {
  return seconds[static_cast<std::size_t>(binding())];
}

Resource ResourceTimes::binding() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < seconds.size(); ++i)
    if (seconds[i] > seconds[best]) best = i;
  return static_cast<Resource>(best);
}

ResourceTimes& ResourceTimes::operator+=(const ResourceTimes& other) {
  for (std::size_t i = 0; i < seconds.size(); ++i) seconds[i] += other.seconds[i];
  return *this;
}

}  // namespace moesim
