// JsonCursor: the pull reader the JSON Lines importers use.

#include <string>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "traces/json_cursor.h"

using Catch::Matchers::Contains;
using moesim::JsonCursor;

TEST_CASE("json cursor walks objects and arrays and skips what it does not read", "[json]") {
  const std::string text =
      R"( {"a": [1, -2, 3], "skip": {"x": [true, false, null, "s\"]"], "y": 1.5e3},)"
      R"( "s": "\u00e9\ud83d\ude00\n", "n": null, "f": -0.25} )";
  JsonCursor json(text, "t.jsonl:1");
  json.begin_object();
  std::string key;
  REQUIRE(json.next_member(key));
  CHECK(key == "a");
  json.begin_array();
  std::vector<int64_t> values;
  while (json.next_element()) values.push_back(json.read_int());
  CHECK(values == std::vector<int64_t>{1, -2, 3});
  REQUIRE(json.next_member(key));
  CHECK(key == "skip");
  json.skip_value();
  REQUIRE(json.next_member(key));
  CHECK(key == "s");
  // e-acute (2 bytes), an emoji from a surrogate pair (4 bytes), a newline
  CHECK(json.read_string() == "\xC3\xA9\xF0\x9F\x98\x80\n");
  REQUIRE(json.next_member(key));
  CHECK(json.read_null());
  REQUIRE(json.next_member(key));
  CHECK_FALSE(json.read_null());
  CHECK(json.peek() == '-');
  CHECK(json.read_number() == -0.25);
  CHECK_FALSE(json.next_member(key));
  json.expect_end();
}

TEST_CASE("json cursor errors name the place, the byte and what was expected", "[json]") {
  const auto error = [](const std::string& text, auto&& walk) {
    JsonCursor json(text, "f.jsonl:3");
    try {
      walk(json);
    } catch (const moesim::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("[1 2]", [](JsonCursor& j) {
          j.begin_array();
          while (j.next_element()) j.read_int();
        }) == "f.jsonl:3: byte 4: expected ',' or ']'");
  CHECK_THAT(error("[1.5]",
                   [](JsonCursor& j) {
                     j.begin_array();
                     j.next_element();
                     j.read_int();
                   }),
             Contains("byte 2: expected an integer"));
  CHECK_THAT(error(R"({"a" 1})",
                   [](JsonCursor& j) {
                     std::string k;
                     j.begin_object();
                     j.next_member(k);
                   }),
             Contains("expected ':'"));
  CHECK_THAT(error(R"("abc)", [](JsonCursor& j) { j.read_string(); }), Contains("closing"));
  CHECK_THAT(error("[tru]", [](JsonCursor& j) { j.skip_value(); }), Contains("expected a value"));
  CHECK_THAT(
      error(std::string(300, '[') + std::string(300, ']'), [](JsonCursor& j) { j.skip_value(); }),
      Contains("nesting"));
  CHECK_THAT(error("{} {}",
                   [](JsonCursor& j) {
                     j.skip_value();
                     j.expect_end();
                   }),
             Contains("byte 4: expected the end"));
}
