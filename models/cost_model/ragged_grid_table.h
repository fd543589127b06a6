#pragma once
/// A measured quantity over several axes whose sample points form a grid with holes (each
/// value of the first axis has its own set of second-axis values, and so on), such as the
/// attention profile over (prefill chunk, prefill context, decodes, decode context).
///
/// Lookup interpolates axis by axis: along the first axis between the two nearest measured
/// values, within each of those sub-tables along the second axis, and so on, linearly. Beyond
/// the last measured value of an axis the last two values extrapolate linearly (clamped at
/// zero); below the first, the first value is used. Measured points are returned exactly.
///
/// Measured operator tables (models/cost_model/operator_tables.h) build it with
/// `Beyond::kClamp` and `Repeats::kKeepFirst`: beyond either end of an axis the end value is
/// used and the lookup says so, with the coordinates it was clamped to; a repeated point keeps
/// its first value.

#include <cstddef>
#include <map>
#include <memory>
#include <span>

namespace moesim {

class RaggedGridTable {
 public:
  enum class Beyond { kExtrapolate, kClamp };
  enum class Repeats { kReject, kKeepFirst };

  /// Throws std::invalid_argument if `axes` is 0.
  explicit RaggedGridTable(size_t axes, Beyond beyond = Beyond::kExtrapolate,
                           Repeats repeats = Repeats::kReject);

  /// Adds a sample; throws std::invalid_argument on a coordinate count other than axes() or,
  /// with Repeats::kReject, a repeated point.
  void add(std::span<const double> coordinates, double value);
  /// Interpolated value; throws std::logic_error if the table is empty.
  double value(std::span<const double> coordinates) const;
  /// With Beyond::kClamp: the value, and whether some axis was clamped; `edge` (size axes())
  /// receives the coordinates actually looked up (the query's, clamped to the ends met).
  bool clamped_value(std::span<const double> coordinates, std::span<double> edge,
                     double& value) const;

  size_t axes() const { return axes_; }
  bool empty() const { return root_.children.empty(); }

 private:
  struct Node {
    bool measured = false;  // leaves only
    double value = 0.0;
    std::map<double, std::unique_ptr<Node>> children;
  };
  /// `edge`, when not empty, receives the clamped coordinates; `clamped` is set when one was.
  double lookup(const Node& node, std::span<const double> coordinates, std::span<double> edge,
                bool& clamped) const;

  size_t axes_;
  Beyond beyond_;
  Repeats repeats_;
  Node root_;
};

}  // namespace moesim
