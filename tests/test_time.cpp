#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/time.h"

using moesim::Time;

TEST_CASE("Time factories scale to picoseconds", "[time]") {
  // 1 ns = 1e3 ps, 1 us = 1e6 ps, 1 ms = 1e9 ps, 1 s = 1e12 ps
  CHECK(Time::ps(7).picoseconds() == 7);
  CHECK(Time::ns(7).picoseconds() == 7'000);
  CHECK(Time::us(7).picoseconds() == 7'000'000);
  CHECK(Time::ms(7).picoseconds() == 7'000'000'000);
  CHECK(Time::s(7).picoseconds() == 7'000'000'000'000);
  // zero() is 0 ps and equals a default-constructed Time
  CHECK(Time::zero().picoseconds() == 0);
  CHECK(Time() == Time::zero());
  // max() is the int64 limit, later than any finite schedule
  CHECK(Time::max().picoseconds() == std::numeric_limits<int64_t>::max());
  // the same instant written with different units compares equal: 1 s = 1000 ms = 1e6 us
  CHECK(Time::s(1) == Time::ms(1000));
  CHECK(Time::ms(1) == Time::us(1000));
  CHECK(Time::us(1) == Time::ns(1000));
  CHECK(Time::ns(1) == Time::ps(1000));
}

TEST_CASE("Time arithmetic and ordering are exact on picoseconds", "[time]") {
  // 3 us + 250 ns = 3'250'000 ps
  CHECK((Time::us(3) + Time::ns(250)).picoseconds() == 3'250'000);
  // 3 us - 250 ns = 2'750'000 ps
  CHECK((Time::us(3) - Time::ns(250)).picoseconds() == 2'750'000);
  // subtraction below zero gives a negative duration: 1 ns - 2 ns = -1000 ps
  CHECK((Time::ns(1) - Time::ns(2)).picoseconds() == -1'000);

  Time t = Time::us(1);
  // += 5 ps: 1'000'005 ps
  t += Time::ps(5);
  CHECK(t.picoseconds() == 1'000'005);
  // -= 1 us: back to 5 ps
  t -= Time::us(1);
  CHECK(t == Time::ps(5));

  // adding 1 ps one million times is exactly 1 us (no floating-point drift)
  Time sum = Time::zero();
  for (int i = 0; i < 1'000'000; ++i) sum += Time::ps(1);
  CHECK(sum == Time::us(1));

  // ordering follows picoseconds: 999 ps < 1 ns < 1001 ps
  CHECK(Time::ps(999) < Time::ns(1));
  CHECK(Time::ns(1) < Time::ps(1001));
  CHECK(Time::ns(1) <= Time::ps(1000));
  CHECK(Time::ms(1) > Time::us(999));
  CHECK(Time::ms(1) != Time::us(999));
}

TEST_CASE("Time converts to floating-point seconds and microseconds", "[time]") {
  // 1.5 ms = 1.5e-3 s = 1500 us
  CHECK(Time::us(1500).seconds() == Approx(1.5e-3));
  CHECK(Time::us(1500).microseconds() == Approx(1500.0));
  // 250 ps = 0.00025 us
  CHECK(Time::ps(250).microseconds() == Approx(0.00025));
}

TEST_CASE("from_seconds_ceil rounds up to whole picoseconds", "[time]") {
  // 1.5 ps is not a whole picosecond: it rounds up to 2 ps
  CHECK(Time::from_seconds_ceil(1.5e-12).picoseconds() == 2);
  // 1.0000001 ns = 1000.0001 ps, far above 1000 ps: rounds up to 1001 ps
  CHECK(Time::from_seconds_ceil(1.0000001e-9).picoseconds() == 1001);
  // 2.2 ps rounds up to 3 ps, not to the nearest 2 ps
  CHECK(Time::from_seconds_ceil(2.2e-12).picoseconds() == 3);
  // 0 s is exactly zero
  CHECK(Time::from_seconds_ceil(0.0) == Time::zero());
}

TEST_CASE("from_seconds_ceil never makes positive work take zero time", "[time]") {
  // 1e-20 s = 1e-8 ps: positive, so at least 1 ps
  CHECK(Time::from_seconds_ceil(1e-20).picoseconds() == 1);
  // the smallest positive double is still 1 ps
  CHECK(Time::from_seconds_ceil(std::numeric_limits<double>::denorm_min()).picoseconds() == 1);
  // 0.4 ps rounds up to 1 ps
  CHECK(Time::from_seconds_ceil(0.4e-12).picoseconds() == 1);
}

TEST_CASE("from_seconds_ceil maps decimal inputs onto their whole picosecond", "[time]") {
  // 1e-9 * 1e12 is 1000.0000000000001 in binary, 1 ulp above 1000: exactly 1000 ps, not 1001
  CHECK(Time::from_seconds_ceil(1e-9).picoseconds() == 1'000);
  // 3e-7 s = 300'000 ps exactly
  CHECK(Time::from_seconds_ceil(3e-7).picoseconds() == 300'000);
  // 2e-6 s = 2 us exactly
  CHECK(Time::from_seconds_ceil(2e-6) == Time::us(2));
  // 1e-11 s = 10 ps exactly
  CHECK(Time::from_seconds_ceil(1e-11).picoseconds() == 10);
  // 0.1 s = 1e11 ps exactly
  CHECK(Time::from_seconds_ceil(0.1) == Time::ms(100));
  // a value 1 ulp below a whole picosecond (just under 1 us) is that picosecond
  CHECK(Time::from_seconds_ceil(std::nextafter(1e-6, 0.0)) == Time::us(1));
  // 1e6 s = 1e18 ps, inside the int64 range
  CHECK(Time::from_seconds_ceil(1e6) == Time::s(1'000'000));
}

TEST_CASE("from_seconds_ceil rejects NaN, negative and out-of-range values", "[time]") {
  // NaN has no duration
  CHECK_THROWS_AS(Time::from_seconds_ceil(std::numeric_limits<double>::quiet_NaN()),
                  std::domain_error);
  // -1 ps and -0.5 s are negative
  CHECK_THROWS_AS(Time::from_seconds_ceil(-1e-12), std::domain_error);
  CHECK_THROWS_AS(Time::from_seconds_ceil(-0.5), std::domain_error);
  // 1e7 s = 1e19 ps exceeds the int64 limit of 9.22e18 ps (about 106 days)
  CHECK_THROWS_AS(Time::from_seconds_ceil(1e7), std::domain_error);
  // +infinity is out of range
  CHECK_THROWS_AS(Time::from_seconds_ceil(std::numeric_limits<double>::infinity()),
                  std::domain_error);
}

TEST_CASE("exact_microseconds prints six exact decimals", "[time]") {
  // 12'345'678 ps = 12.345678 us
  CHECK(Time::ps(12'345'678).exact_microseconds() == "12.345678");
  // 0 ps = 0.000000 us
  CHECK(Time::zero().exact_microseconds() == "0.000000");
  // 1 ps = 0.000001 us (leading zeros kept)
  CHECK(Time::ps(1).exact_microseconds() == "0.000001");
  // 1.5 ms = 1500 us
  CHECK(Time::us(1500).exact_microseconds() == "1500.000000");
  // -1500 ps = -0.001500 us
  CHECK(Time::ps(-1'500).exact_microseconds() == "-0.001500");
  // the int64 limit 9223372036854775807 ps prints without floating-point rounding
  CHECK(Time::max().exact_microseconds() == "9223372036854.775807");
}

TEST_CASE("to_string picks the largest unit that keeps the value at least 1", "[time]") {
  // below 1 ns stays in ps
  CHECK(Time::ps(999).to_string() == "999 ps");
  CHECK(Time::zero().to_string() == "0 ps");
  // 1000 ps = 1 ns
  CHECK(Time::ns(1).to_string() == "1 ns");
  // 16'300'000 ps = 16.3 us
  CHECK(Time::ps(16'300'000).to_string() == "16.3 us");
  // 1.5e9 ps = 1.5 ms
  CHECK(Time::us(1500).to_string() == "1.5 ms");
  // 2e12 ps = 2 s
  CHECK(Time::s(2).to_string() == "2 s");
  // -1500 ps = -1.5 ns (the unit follows the magnitude)
  CHECK(Time::ps(-1'500).to_string() == "-1.5 ns");
  // six significant digits: 12'345'678 ps = 12.3457 us
  CHECK(Time::ps(12'345'678).to_string() == "12.3457 us");
}
