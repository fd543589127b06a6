#pragma once
/// Simulated time: a strong type over int64 picoseconds.
///
/// Integer picoseconds give exact ordering and exact sums (no drift from adding floating-point
/// durations) and still cover +-106 days. Floating-point quantities (bytes / bandwidth, FLOPs /
/// peak) become Time at exactly one place, `Time::from_seconds_ceil`, which rounds up so that
/// no positive amount of work takes zero time.

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace moesim {

class Time {
 public:
  constexpr Time() = default;

  static constexpr Time ps(int64_t v) { return Time(v); }
  static constexpr Time ns(int64_t v) { return Time(v * 1'000); }
  static constexpr Time us(int64_t v) { return Time(v * 1'000'000); }
  static constexpr Time ms(int64_t v) { return Time(v * 1'000'000'000); }
  static constexpr Time s(int64_t v) { return Time(v * 1'000'000'000'000); }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<int64_t>::max()); }

  /// The one conversion from floating point: seconds -> Time, rounded up to the next whole
  /// picosecond, so any positive duration lasts at least 1 ps. A value within a relative 4
  /// machine epsilons of a whole picosecond is taken as that picosecond, so "1 ns" is 1000 ps
  /// and not 1001. Throws std::domain_error for a
  /// negative, NaN or out-of-range value.
  static Time from_seconds_ceil(double seconds);

  constexpr int64_t picoseconds() const { return ps_; }
  constexpr double seconds() const { return static_cast<double>(ps_) * 1e-12; }
  constexpr double microseconds() const { return static_cast<double>(ps_) * 1e-6; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(ps_ + o.ps_); }
  constexpr Time operator-(Time o) const { return Time(ps_ - o.ps_); }
  constexpr Time& operator+=(Time o) {
    ps_ += o.ps_;
    return *this;
  }
  constexpr Time& operator-=(Time o) {
    ps_ -= o.ps_;
    return *this;
  }

  /// Exact microseconds with six decimals ("12.345678"), as trace and metrics files write them.
  std::string exact_microseconds() const;

  /// Human-readable form with the largest unit that keeps the value >= 1 ("16.3 us").
  std::string to_string() const;

 private:
  constexpr explicit Time(int64_t v) : ps_(v) {}
  int64_t ps_ = 0;
};

}  // namespace moesim
