#include "traces/import/pickle_value.h"

namespace moesim {

const char* PickleValue::kind_name(Kind k) {
  switch (k) {
    case Kind::none:
      return "None";
    case Kind::boolean:
      return "a bool";
    case Kind::integer:
      return "an int";
    case Kind::floating:
      return "a float";
    case Kind::string:
      return "a str";
    case Kind::list:
      return "a list";
    case Kind::tuple:
      return "a tuple";
    case Kind::dict:
      return "a dict";
    case Kind::tensor:
      return "a tensor";
    case Kind::storage:
      return "a storage";
    case Kind::global:
      return "a global";
  }
  return "a value";
}

const PickleValue* PickleValue::member(const std::string& key) const {
  for (const auto& [k, v] : members) {
    if (k->kind == Kind::string && k->text == key) return v.get();
  }
  return nullptr;
}

bool PickleValue::as_ints(std::vector<int64_t>& out) const {
  if (kind == Kind::list && int_list) {
    out = ints;
    return true;
  }
  if (kind != Kind::list && kind != Kind::tuple) return false;
  out.clear();
  for (const PicklePtr& item : items) {
    if (item->kind != Kind::integer) return false;
    out.push_back(item->integer);
  }
  return true;
}

}  // namespace moesim
