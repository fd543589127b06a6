#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "sim/units.h"

using Catch::Matchers::Contains;
using moesim::Time;
using moesim::UnitError;

namespace {

/// Runs `parse` and returns the message of the UnitError it throws. Fails the test when it
/// throws nothing; any other exception type escapes and fails the test case.
template <class Parse>
std::string unit_error_message(Parse parse) {
  try {
    parse();
  } catch (const UnitError& e) {
    return e.what();
  }
  FAIL("expected a UnitError");
  return {};
}

/// Quotes `text` as the error messages do, so that a check can find the input in them.
std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

}  // namespace

TEST_CASE("parse_time reads durations in s, ms, us, ns and ps", "[units]") {
  // 2 us = 2'000'000 ps
  CHECK(moesim::parse_time("2 us") == Time::us(2));
  // 1 ns is exactly 1000 ps (1e-9 s is not exact in binary but must not round up to 1001)
  CHECK(moesim::parse_time("1 ns").picoseconds() == 1'000);
  // 1.5 ms = 1.5e9 ps
  CHECK(moesim::parse_time("1.5 ms") == Time::us(1500));
  // 300 ns = 300'000 ps
  CHECK(moesim::parse_time("300 ns") == Time::ns(300));
  // 10 ps = 10 ps
  CHECK(moesim::parse_time("10 ps") == Time::ps(10));
  // 1 s = 1e12 ps
  CHECK(moesim::parse_time("1 s") == Time::s(1));
  // the micro sign spelling of us is accepted: 3 \u00b5s = 3 us
  CHECK(moesim::parse_time("3 \u00b5s") == Time::us(3));
  // no space and surrounding blanks are fine: "7us" = " 7 us " = 7 us
  CHECK(moesim::parse_time("7us") == Time::us(7));
  CHECK(moesim::parse_time(" \t7 us\t ") == Time::us(7));
  // 0 s is a valid duration
  CHECK(moesim::parse_time("0 s") == Time::zero());
  // a fraction of a picosecond rounds up: 1.5 ps = 2 ps
  CHECK(moesim::parse_time("1.5 ps") == Time::ps(2));
}

TEST_CASE("parse_bytes honours decimal and binary prefixes", "[units]") {
  // GiB is binary: 80 * 2^30
  CHECK(moesim::parse_bytes("80 GiB") == 80.0 * 1024 * 1024 * 1024);
  // GB is decimal: 80e9
  CHECK(moesim::parse_bytes("80 GB") == 80e9);
  // 9.4 MB = 9.4e6
  CHECK(moesim::parse_bytes("9.4 MB") == Approx(9.4e6));
  // 512 B = 512
  CHECK(moesim::parse_bytes("512 B") == 512.0);
  // KiB = 1024, kB = 1000
  CHECK(moesim::parse_bytes("2 KiB") == 2048.0);
  CHECK(moesim::parse_bytes("2 kB") == 2000.0);
  // 1 MiB = 2^20, 1 TiB = 2^40, 1 TB = 1e12
  CHECK(moesim::parse_bytes("1 MiB") == 1048576.0);
  CHECK(moesim::parse_bytes("1 TiB") == 1099511627776.0);
  CHECK(moesim::parse_bytes("1 TB") == 1e12);
  // a lower-case b is a bit: 16 b = 2 bytes
  CHECK(moesim::parse_bytes("16 b") == 2.0);
  // a size may be zero
  CHECK(moesim::parse_bytes("0 B") == 0.0);
}

TEST_CASE("parse_bandwidth reads byte and bit rates", "[units]") {
  // 900 GB/s = 900e9 bytes/s
  CHECK(moesim::parse_bandwidth("900 GB/s") == 900e9);
  // 50 GiB/s = 50 * 2^30 bytes/s
  CHECK(moesim::parse_bandwidth("50 GiB/s") == 50.0 * 1024 * 1024 * 1024);
  // 400 Gb/s = 400e9 bits/s = 50e9 bytes/s
  CHECK(moesim::parse_bandwidth("400 Gb/s") == 50e9);
  // 25 Gbps = 25e9 bits/s = 3.125e9 bytes/s
  CHECK(moesim::parse_bandwidth("25 Gbps") == 3.125e9);
  // 25 Gbit/s is the same rate as 25 Gbps
  CHECK(moesim::parse_bandwidth("25 Gbit/s") == 3.125e9);
  // 100 B/s has no prefix
  CHECK(moesim::parse_bandwidth("100 B/s") == 100.0);
  // 1.6 TB/s = 1.6e12 bytes/s
  CHECK(moesim::parse_bandwidth("1.6 TB/s") == Approx(1.6e12));
}

TEST_CASE("parse_flop_rate reads FLOP/s and FLOPS", "[units]") {
  // 989 TFLOP/s = 989e12
  CHECK(moesim::parse_flop_rate("989 TFLOP/s") == 989e12);
  // TFLOPS is the same unit
  CHECK(moesim::parse_flop_rate("989 TFLOPS") == 989e12);
  // 1.2 PFLOP/s = 1.2e15
  CHECK(moesim::parse_flop_rate("1.2 PFLOP/s") == Approx(1.2e15));
  // 5 GFLOP/s = 5e9; compute prefixes are decimal
  CHECK(moesim::parse_flop_rate("5 GFLOP/s") == 5e9);
  // lower-case flop/s without a prefix = 7
  CHECK(moesim::parse_flop_rate("7 flop/s") == 7.0);
}

TEST_CASE("unit parsers reject a missing unit", "[units]") {
  // a bare number has no unit; the message quotes the text and says why
  CHECK_THAT(unit_error_message([] { moesim::parse_time("2"); }),
             Contains(quoted("2")) && Contains("missing unit"));
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("80"); }),
             Contains(quoted("80")) && Contains("missing unit"));
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("900"); }),
             Contains(quoted("900")) && Contains("missing unit"));
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("989"); }),
             Contains(quoted("989")) && Contains("missing unit"));
}

TEST_CASE("unit parsers reject an unknown unit", "[units]") {
  // parsecs are not a unit of time
  CHECK_THAT(unit_error_message([] { moesim::parse_time("3 parsecs"); }),
             Contains(quoted("3 parsecs")) && Contains("unknown unit"));
  // a duration is not a size
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("3 us"); }),
             Contains(quoted("3 us")) && Contains("unknown unit"));
  // a size without /s is not a bandwidth
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("900 GB"); }),
             Contains(quoted("900 GB")) && Contains("unknown unit"));
  // FLOP/s has no binary prefixes
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("1 TiFLOP/s"); }),
             Contains(quoted("1 TiFLOP/s")) && Contains("unknown unit"));
  // a bandwidth is not a compute rate
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("900 GB/s"); }),
             Contains(quoted("900 GB/s")) && Contains("unknown unit"));
}

TEST_CASE("unit parsers reject text without a number", "[units]") {
  // the unit alone has no number
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("GB/s"); }),
             Contains(quoted("GB/s")) && Contains("no number"));
  // an empty string has no number
  CHECK_THAT(unit_error_message([] { moesim::parse_time(""); }),
             Contains(quoted("")) && Contains("no number"));
  // a word is not a number
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("lots of GiB"); }),
             Contains(quoted("lots of GiB")) && Contains("no number"));
}

TEST_CASE("unit parsers reject trailing junk", "[units]") {
  // text after the unit makes the unit unknown
  CHECK_THAT(unit_error_message([] { moesim::parse_time("2 us later"); }),
             Contains(quoted("2 us later")));
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("900 GB/s per link"); }),
             Contains(quoted("900 GB/s per link")));
  // a second decimal point is junk between number and unit
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("1.2.3 GB"); }),
             Contains(quoted("1.2.3 GB")));
}

TEST_CASE("unit parsers reject negative values", "[units]") {
  // -450 GB/s is negative
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("-450 GB/s"); }),
             Contains(quoted("-450 GB/s")) && Contains("negative"));
  // -2 us is negative
  CHECK_THAT(unit_error_message([] { moesim::parse_time("-2 us"); }),
             Contains(quoted("-2 us")) && Contains("negative"));
  // -1 GiB is negative
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("-1 GiB"); }),
             Contains(quoted("-1 GiB")) && Contains("negative"));
  // -1 TFLOP/s is negative
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("-1 TFLOP/s"); }),
             Contains(quoted("-1 TFLOP/s")) && Contains("negative"));
  // a negative zero is still written as a negative quantity
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("-0 B"); }), Contains("negative"));
  // 1e309 overflows a double: out of range, not "no number"
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("1e309 B"); }),
             Contains("number out of range"));
}

TEST_CASE("bandwidth and compute rate must be positive", "[units]") {
  // 0 GB/s would make every transfer take forever
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("0 GB/s"); }),
             Contains(quoted("0 GB/s")) && Contains("must be positive"));
  // 0 TFLOP/s would make every kernel take forever
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("0 TFLOP/s"); }),
             Contains(quoted("0 TFLOP/s")) && Contains("must be positive"));
}

TEST_CASE("unit parsers reject NaN and infinity", "[units]") {
  // nan and inf parse as numbers but are not finite
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("nan GB/s"); }),
             Contains(quoted("nan GB/s")) && Contains("not a finite number"));
  CHECK_THAT(unit_error_message([] { moesim::parse_time("inf s"); }),
             Contains(quoted("inf s")) && Contains("not a finite number"));
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("infinity B"); }),
             Contains(quoted("infinity B")) && Contains("not a finite number"));
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("NaN TFLOPS"); }),
             Contains(quoted("NaN TFLOPS")) && Contains("not a finite number"));
}

TEST_CASE("parse_time rejects a duration beyond the simulated range", "[units]") {
  // 1e9 s = 1e21 ps exceeds the int64 picosecond range: a UnitError, not a domain_error
  CHECK_THAT(unit_error_message([] { moesim::parse_time("1e9 s"); }),
             Contains(quoted("1e9 s")) && Contains("exceeds"));
}

TEST_CASE("unit errors name what was expected with an example", "[units]") {
  // each parser gives its own example of valid input
  CHECK_THAT(unit_error_message([] { moesim::parse_time("x"); }), Contains("2 us"));
  CHECK_THAT(unit_error_message([] { moesim::parse_bytes("x"); }), Contains("80 GiB"));
  CHECK_THAT(unit_error_message([] { moesim::parse_bandwidth("x"); }), Contains("900 GB/s"));
  CHECK_THAT(unit_error_message([] { moesim::parse_flop_rate("x"); }), Contains("989 TFLOP/s"));
}

TEST_CASE("format_bytes uses binary prefixes", "[units]") {
  // 512 < 1024 stays in bytes
  CHECK(moesim::format_bytes(512) == "512 B");
  // 2^20 = 1 MiB
  CHECK(moesim::format_bytes(1024.0 * 1024) == "1 MiB");
  // 7.5 * 2^30 = 7.5 GiB
  CHECK(moesim::format_bytes(7.5 * 1024 * 1024 * 1024) == "7.5 GiB");
  // 1536 = 1.5 KiB
  CHECK(moesim::format_bytes(1536) == "1.5 KiB");
  // 2048 PiB has no larger unit to move to
  CHECK(moesim::format_bytes(2048.0 * 1024 * 1024 * 1024 * 1024 * 1024) == "2048 PiB");
}

TEST_CASE("format_bandwidth uses decimal prefixes", "[units]") {
  // 450e9 bytes/s = 450 GB/s
  CHECK(moesim::format_bandwidth(450e9) == "450 GB/s");
  // 999 bytes/s stays in B/s
  CHECK(moesim::format_bandwidth(999) == "999 B/s");
  // 50e9 bytes/s = 50 GB/s (the value parsed from 400 Gb/s)
  CHECK(moesim::format_bandwidth(moesim::parse_bandwidth("400 Gb/s")) == "50 GB/s");
  // 1.6e12 = 1.6 TB/s
  CHECK(moesim::format_bandwidth(1.6e12) == "1.6 TB/s");
}
