#pragma once
/// Time of an MoE block from measured points, interpolated over the number of tokens and the
/// number of distinct experts they activate.
///
/// Points are grouped by activated experts. Within a group the time is interpolated piecewise
/// linearly in log(tokens) (the profiles sweep tokens geometrically); between the two nearest
/// groups it is interpolated linearly in activated experts, since each extra expert adds its
/// weights to read (target 2 of ../shared/data/README.md: about 6.4 us per expert on an
/// RTX PRO 6000). Queries outside the measured range are refused rather than extrapolated.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace moesim {

class ProfiledMoeTable {
 public:
  /// Adds a measured point; throws std::invalid_argument for non-positive values or a
  /// duplicate (tokens, activated) pair.
  void add(double tokens, uint32_t activated_experts, double time_us);

  /// Interpolated time in microseconds, or nullopt outside the measured range.
  std::optional<double> time_us(double tokens, double activated_experts) const;

  size_t size() const { return points_; }

 private:
  /// Interpolates one group in log(tokens); nullopt outside its token range.
  static std::optional<double> along_tokens(const std::map<double, double>& group, double tokens);

  std::map<uint32_t, std::map<double, double>> groups_;  // activated -> tokens -> time_us
  size_t points_ = 0;
};

}  // namespace moesim
