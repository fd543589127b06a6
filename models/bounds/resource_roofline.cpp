#include "models/bounds/resource_roofline.h"

#include <algorithm>

namespace moesim {

std::string_view to_string(Resource resource) {
  switch (resource) {
    case Resource::kCompute: return "compute";
    case Resource::kMemory: return "HBM";
    case Resource::kNetwork: return "network";
    case Resource::kHostLink: return "host link";
    case Resource::kKvCapacity: return "KV capacity";
    case Resource::kArrivals: return "arrivals";
  }
  return "?";
}

double ResourceTimes::bound() const {
  return *std::max_element(seconds.begin(), seconds.end());
}

Resource ResourceTimes::binding() const {
  return static_cast<Resource>(std::max_element(seconds.begin(), seconds.end()) - seconds.begin());
}

ResourceTimes& ResourceTimes::operator+=(const ResourceTimes& other) {
  for (size_t i = 0; i < kResourceCount; ++i) seconds[i] += other.seconds[i];
  return *this;
}

}  // namespace moesim
