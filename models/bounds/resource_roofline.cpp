#include "models/bounds/resource_roofline.h"

<<<<<<< HEAD
#include <algorithm>

=======
>>>>>>> wip-bounds
namespace moesim {

std::string_view to_string(Resource resource) {
  switch (resource) {
<<<<<<< HEAD
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
=======
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
>>>>>>> wip-bounds
  return *this;
}

}  // namespace moesim
