#pragma once
/// Per-step resource bound: the time each resource needs for one step (or a run), the step
/// being no shorter than the largest of them, as in a roofline generalised to every resource a
/// serving step uses (compute, HBM, network, host link, KV capacity, request arrivals).

#include <array>
#include <cstddef>
#include <string_view>

namespace moesim {

enum class Resource { kCompute, kMemory, kNetwork, kHostLink, kKvCapacity, kArrivals };

inline constexpr std::size_t kResourceCount = 6;

/// "compute", "HBM", "network", "host link", "KV capacity", "arrivals".
std::string_view to_string(Resource resource);

/// Seconds each resource needs.
struct ResourceTimes {
  std::array<double, kResourceCount> seconds{};

  double& operator[](Resource r) { return seconds[static_cast<std::size_t>(r)]; }
  double operator[](Resource r) const { return seconds[static_cast<std::size_t>(r)]; }
  /// The largest time, seconds.
  double bound() const;
  /// The resource with the largest time; ties go to the lowest enumerator.
  Resource binding() const;
  /// Adds `other` resource by resource (a run's totals over its steps).
  ResourceTimes& operator+=(const ResourceTimes& other);
};

}  // namespace moesim
