// ctest runs each Catch2 test case by name (catch_discover_tests). CMake splits a name at ';'
// and merges names across '[' ... ']', so such a test case would silently run nothing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

TEST_CASE("no test case name has a character that ctest's discovery splits on", "[meta]") {
  std::vector<std::string> bad;
  const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  for (const Catch::TestCase& test : tests) {
    if (test.name.find_first_of(";[]") != std::string::npos) bad.push_back(test.name);
  }
  CHECK(tests.size() > 600);
  CHECK(bad.empty());
}
