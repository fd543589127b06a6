#include "traces/import/torch_unpickler.h"

#include <bit>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

using Kind = PickleValue::Kind;

// Globals a torch.save of plain containers and tensors refers to; anything else is refused.
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kOrderedDict = "collections.OrderedDict";

class Machine {
 public:
  Machine(std::string_view data, const std::string& where) : data_(data), where_(where) {}

  PicklePtr run() {
    while (true) {
      op_at_ = pos_;
      const uint8_t op = byte();
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t version = byte();
          if (version != 2) fail(fmt::format("pickle protocol 2 (torch.save), got {}", version));
          break;
        }
        case '.':  // STOP
          if (stack_.size() != 1 || !marks_.empty()) fail("one value on the stack at STOP");
          return stack_.back();
        case '(':
          marks_.push_back(stack_.size());
          break;  // MARK
        case 'N':
          push(make(Kind::none));
          break;
        case 0x88:
          push(make_bool(true));
          break;  // NEWTRUE
        case 0x89:
          push(make_bool(false));
          break;  // NEWFALSE
        case 'J':
          push(make_int(static_cast<int32_t>(le(4))));
          break;  // BININT
        case 'K':
          push(make_int(static_cast<int64_t>(le(1))));
          break;  // BININT1
        case 'M':
          push(make_int(static_cast<int64_t>(le(2))));
          break;  // BININT2
        case 0x8a:
          push(make_int(long1()));
          break;  // LONG1
        case 'G':
          push(binfloat());
          break;     // BINFLOAT
        case 'X': {  // BINUNICODE
          auto v = make(Kind::string);
          v->text = std::string(take(le(4)));
          push(v);
          break;
        }
        case '}':
          push(make(Kind::dict));
          break;  // EMPTY_DICT
        case ']':
          push(make(Kind::list));
          break;  // EMPTY_LIST
        case ')':
          push(make(Kind::tuple));
          break;  // EMPTY_TUPLE
        case 't':
          push(tuple_from(pop_mark()));
          break;  // TUPLE
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = op - 0x84u;
          if (stack_.size() < n + base()) fail(fmt::format("{} values for TUPLE{}", n, n));
          std::vector<PicklePtr> items(stack_.end() - static_cast<long>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(tuple_from(std::move(items)));
          break;
        }
        case 'a': {  // APPEND
          auto item = pop();
          append(top(Kind::list, "a list for APPEND"), item);
          break;
        }
        case 'e': {  // APPENDS
          auto items = pop_mark();
          PickleValue& list = top(Kind::list, "a list for APPENDS");
          for (auto& item : items) append(list, item);
          break;
        }
        case 's': {  // SETITEM
          auto value = pop();
          auto key = pop();
          top(Kind::dict, "a dict for SETITEM").members.emplace_back(key, value);
          break;
        }
        case 'u': {  // SETITEMS
          auto items = pop_mark();
          if (items.size() % 2 != 0) fail("key-value pairs for SETITEMS");
          PickleValue& dict = top(Kind::dict, "a dict for SETITEMS");
          for (size_t i = 0; i < items.size(); i += 2)
            dict.members.emplace_back(items[i], items[i + 1]);
          break;
        }
        case 'c': {  // GLOBAL
          const std::string module(line());
          const std::string name(line());
          auto v = make(Kind::global);
          v->text = module + "." + name;
          if (v->text != kRebuildTensor && v->text != kOrderedDict &&
              !(module == "torch" && name.ends_with("Storage"))) {
            fail(fmt::format("a torch.save global ({}, {}, torch.*Storage), got {}", kRebuildTensor,
                             kOrderedDict, v->text));
          }
          push(v);
          break;
        }
        case 'R': {  // REDUCE
          auto args = pop();
          auto callable = pop();
          push(reduce(*callable, *args));
          break;
        }
        case 'Q':
          push(persistent_load(*pop()));
          break;  // BINPERSID
        case 'q':
          memo_[le(1)] = peek_top();
          break;  // BINPUT
        case 'r':
          memo_[le(4)] = peek_top();
          break;  // LONG_BINPUT
        case 'h':
          push(memo_get(le(1)));
          break;  // BINGET
        case 'j':
          push(memo_get(le(4)));
          break;  // LONG_BINGET
        default:
          fail(fmt::format("a pickle opcode torch.save writes, got 0x{:02x}", op));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    throw ConfigError(fmt::format("{}: byte {}: expected {}", where_, op_at_, expected));
  }

  std::string_view take(uint64_t n) {
    if (n > data_.size() - pos_) fail(fmt::format("{} more bytes, the pickle ends", n));
    const std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t byte() { return static_cast<uint8_t>(take(1)[0]); }
  uint64_t le(int n) {
    const std::string_view s = take(static_cast<uint64_t>(n));
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[i]);
    return v;
  }
  std::string_view line() {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) fail("a newline-terminated name");
    const std::string_view s = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  int64_t long1() {
    const uint8_t n = byte();
    if (n > 8) fail(fmt::format("an integer of at most 8 bytes, got {}", n));
    if (n == 0) return 0;
    const uint64_t raw = le(n);
    // two's complement of n bytes, sign-extended
    const uint64_t sign = uint64_t{1} << (8 * n - 1);
    return n == 8 ? static_cast<int64_t>(raw) : static_cast<int64_t>((raw ^ sign) - sign);
  }
  PicklePtr binfloat() {
    uint64_t bits = 0;
    for (const char c : take(8)) bits = (bits << 8) | static_cast<uint8_t>(c);  // big-endian
    auto v = make(Kind::floating);
    v->floating = std::bit_cast<double>(bits);
    return v;
  }

  static PicklePtr make(Kind k) {
    auto v = std::make_shared<PickleValue>();
    v->kind = k;
    return v;
  }
  static PicklePtr make_int(int64_t i) {
    auto v = make(Kind::integer);
    v->integer = i;
    return v;
  }
  static PicklePtr make_bool(bool b) {
    auto v = make(Kind::boolean);
    v->boolean = b;
    return v;
  }
  static PicklePtr tuple_from(std::vector<PicklePtr> items) {
    auto v = make(Kind::tuple);
    v->items = std::move(items);
    return v;
  }
  static void append(PickleValue& list, const PicklePtr& item) {
    if (list.int_list && item->kind == Kind::integer) {
      list.ints.push_back(item->integer);
      return;
    }
    if (list.int_list) {
      // The first non-integer element: move the integers into ordinary items.
      for (int64_t i : list.ints) list.items.push_back(make_int(i));
      list.ints.clear();
      list.int_list = false;
    }
    list.items.push_back(item);
  }

  size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(PicklePtr v) { stack_.push_back(std::move(v)); }
  PicklePtr pop() {
    if (stack_.size() <= base()) fail("a value on the stack");
    auto v = stack_.back();
    stack_.pop_back();
    return v;
  }
  const PicklePtr& peek_top() {
    if (stack_.size() <= base()) fail("a value on the stack to memoize");
    return stack_.back();
  }
  PickleValue& top(Kind k, const char* expected) {
    if (stack_.size() <= base() || stack_.back()->kind != k) fail(expected);
    return *stack_.back();
  }
  std::vector<PicklePtr> pop_mark() {
    if (marks_.empty()) fail("a MARK before this opcode");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PicklePtr> items(stack_.begin() + static_cast<long>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  PicklePtr memo_get(uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail(fmt::format("memo entry {} to have been stored", key));
    return it->second;
  }

  // ('storage', torch.<Type>Storage, key, location, numel), as torch.save's persistent_id.
  PicklePtr persistent_load(const PickleValue& pid) {
    const auto& t = pid.items;
    if (pid.kind != Kind::tuple || t.size() != 5 || t[0]->kind != Kind::string ||
        t[0]->text != "storage" || t[1]->kind != Kind::global || t[2]->kind != Kind::string ||
        t[4]->kind != Kind::integer || t[4]->integer < 0) {
      fail("a persistent id ('storage', torch.<Type>Storage, key, location, numel)");
    }
    auto v = make(Kind::storage);
    v->tensor.storage_type = t[1]->text.substr(std::string("torch.").size());
    v->tensor.storage_key = t[2]->text;
    v->tensor.storage_numel = static_cast<uint64_t>(t[4]->integer);
    return v;
  }

  PicklePtr reduce(const PickleValue& callable, const PickleValue& args) {
    if (callable.kind != Kind::global || args.kind != Kind::tuple) {
      fail("REDUCE of a global with a tuple of arguments");
    }
    if (callable.text == kOrderedDict) {
      if (!args.items.empty()) fail("OrderedDict() without arguments");
      return make(Kind::dict);
    }
    if (callable.text != kRebuildTensor) fail(fmt::format("a callable, got {}", callable.text));
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    const auto& a = args.items;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
    if ((a.size() != 6 && a.size() != 7) || a[0]->kind != Kind::storage ||
        a[1]->kind != Kind::integer || a[1]->integer < 0 || a[2]->kind != Kind::tuple ||
        !a[2]->as_ints(sizes) || a[3]->kind != Kind::tuple || !a[3]->as_ints(strides) ||
        sizes.size() != strides.size()) {
      fail("_rebuild_tensor_v2(storage, offset, sizes, strides, requires_grad, hooks)");
    }
    auto v = make(Kind::tensor);
    v->tensor = a[0]->tensor;
    v->tensor.offset = static_cast<uint64_t>(a[1]->integer);
    v->tensor.sizes = std::move(sizes);
    v->tensor.strides = std::move(strides);
    return v;
  }

  std::string_view data_;
  const std::string& where_;
  size_t pos_ = 0;
  size_t op_at_ = 0;
  std::vector<PicklePtr> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PicklePtr> memo_;
};

}  // namespace

PicklePtr TorchUnpickler::load(std::string_view data, const std::string& where) {
  return Machine(data, where).run();
}

}  // namespace moesim
