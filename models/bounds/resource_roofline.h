#pragma once
/// The resources a bound can find binding, and a time per resource: the lower bound of a step
/// is its busiest resource, since the others can at best overlap with it.

#include <array>
#include <cstddef>
#include <string_view>

namespace moesim {

enum class Resource { kCompute, kMemory, kNetwork, kHostLink, kKvCapacity, kArrivals };

/// "compute", "HBM", "network", "host link", "KV capacity", "arrivals".
std::string_view to_string(Resource resource);

inline constexpr size_t kResourceCount = 6;

/// Seconds each resource needs for some work; zero where the work does not use it.
struct ResourceTimes {
  std::array<double, kResourceCount> seconds{};

  double& operator[](Resource r) { return seconds[static_cast<size_t>(r)]; }
  double operator[](Resource r) const { return seconds[static_cast<size_t>(r)]; }
  /// The busiest resource's time: no schedule finishes the work sooner.
  double bound() const;
  /// The busiest resource (the first one on a tie).
  Resource binding() const;
  ResourceTimes& operator+=(const ResourceTimes& other);
};

}  // namespace moesim
