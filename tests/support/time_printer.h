#pragma once
/// Makes Catch2 print moesim::Time in failure messages as exact microseconds ("12.000001 us")
/// instead of "{?}". Include after <catch2/catch.hpp> in every test file that compares Times.

#include <string>

#include <catch2/catch.hpp>

#include "sim/time.h"

namespace Catch {
template <>
struct StringMaker<moesim::Time> {
  static std::string convert(moesim::Time t) { return t.exact_microseconds() + " us"; }
};
}  // namespace Catch
