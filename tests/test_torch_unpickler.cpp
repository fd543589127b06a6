// TorchUnpickler on hand-written pickles: each opcode family, and the errors that name the
// byte of the offending opcode.

#include <string>

#include <catch2/catch.hpp>

#include "sim/config_error.h"
#include "traces/import/torch_unpickler.h"

using Catch::Matchers::Contains;
using moesim::PickleValue;
using moesim::TorchUnpickler;
using Kind = moesim::PickleValue::Kind;
using namespace std::string_literals;

namespace {

std::string error_of(const std::string& pickle) {
  try {
    TorchUnpickler::load(pickle, "p.pkl");
  } catch (const moesim::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("unpickler reads scalars, containers and memo references", "[import]") {
  // PROTO 2, BININT1 5, STOP
  CHECK(TorchUnpickler::load("\x80\x02K\x05."s, "p")->integer == 5);
  // LONG1 of one byte 0xff is -1; BININT is signed 32-bit; BININT2 unsigned 16-bit
  CHECK(TorchUnpickler::load("\x80\x02\x8a\x01\xff."s, "p")->integer == -1);
  CHECK(TorchUnpickler::load("\x80\x02J\xfe\xff\xff\xff."s, "p")->integer == -2);
  CHECK(TorchUnpickler::load("\x80\x02M\x00\x01."s, "p")->integer == 256);
  // BINFLOAT is a big-endian double: 0x3FE0... is 0.5
  CHECK(TorchUnpickler::load("\x80\x02G\x3f\xe0\x00\x00\x00\x00\x00\x00."s, "p")->floating == 0.5);
  // {'a': 1, 'b': <memo 1> = 'a'} through EMPTY_DICT, MARK, BINUNICODE, BINPUT, BINGET, SETITEMS
  const auto dict = TorchUnpickler::load(
      "\x80\x02}q\x00(X\x01\x00\x00\x00\x61q\x01K\x01X\x01\x00\x00\x00\x62h\x01u."s, "p");
  REQUIRE(dict->kind == Kind::dict);
  CHECK(dict->member("a")->integer == 1);
  CHECK(dict->member("b")->text == "a");
  // [1, None, (True, False)] through EMPTY_LIST, APPEND, APPENDS, TUPLE2
  const auto list = TorchUnpickler::load("\x80\x02]K\x01\x61(N\x88\x89\x86\x65."s, "p");
  REQUIRE(list->kind == Kind::list);
  REQUIRE(list->length() == 3);
  CHECK_FALSE(list->int_list);
  CHECK(list->items[0]->integer == 1);
  CHECK(list->items[1]->kind == Kind::none);
  CHECK(list->items[2]->items[1]->boolean == false);
  std::vector<int64_t> ints;
  CHECK_FALSE(list->as_ints(ints));
  // an all-integer list keeps its elements as plain integers
  const auto numbers = TorchUnpickler::load("\x80\x02](K\x07K\x08\x65."s, "p");
  CHECK(numbers->as_ints(ints));
  CHECK(ints == std::vector<int64_t>{7, 8});
}

TEST_CASE("unpickler errors name the byte of the opcode and what was expected", "[import]") {
  // STRING (protocol 0) is not written by torch.save
  CHECK(error_of("\x80\x02S'a'\n."s) ==
        "p.pkl: byte 2: expected a pickle opcode torch.save writes, got 0x53");
  CHECK_THAT(error_of("\x80\x02J\x01"s), Contains("byte 2") && Contains("more bytes"));
  CHECK_THAT(error_of("\x80\x02h\x04."s), Contains("memo entry 4"));
  CHECK_THAT(error_of("\x80\x02K\x01K\x02."s), Contains("byte 6: expected one value"));
  CHECK_THAT(error_of("\x80\x02K\x01K\x02\x61."s), Contains("a list for APPEND"));
  CHECK_THAT(error_of("\x80\x02\x65."s), Contains("a MARK"));
  CHECK_THAT(error_of("\x80\x02\x63os\nsystem\n."s), Contains("got os.system"));
  CHECK_THAT(error_of("\x80\x03K\x01."s), Contains("protocol 2") && Contains("got 3"));
  // REDUCE of OrderedDict with arguments, and a persistent id that is not a storage tuple
  CHECK_THAT(error_of("\x80\x02\x63\x63ollections\nOrderedDict\nK\x01\x85R."s),
             Contains("OrderedDict() without arguments"));
  CHECK_THAT(error_of("\x80\x02K\x01Q."s), Contains("a persistent id"));
}
