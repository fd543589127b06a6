#include "models/strategies/params.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/units.h"

namespace moesim {
namespace {

/// The largest unit that writes the time exactly ("4 ms", "235 ns", "1500001 ps").
std::string exact_time(Time t) {
  const int64_t ps = t.picoseconds();
  constexpr std::pair<int64_t, const char*> kUnits[] = {
      {1'000'000'000'000, "s"}, {1'000'000'000, "ms"}, {1'000'000, "us"}, {1'000, "ns"}};
  for (const auto& [scale, unit] : kUnits) {
    if (ps != 0 && ps % scale == 0) return fmt::format("{} {}", ps / scale, unit);
  }
  return fmt::format("{} ps", ps);
}

}  // namespace

std::string format_param_value(ParamKind kind, const ParamValue& value) {
  switch (kind) {
    case ParamKind::kUint:
      return fmt::format("{}", std::get<uint64_t>(value));
    case ParamKind::kDouble:
      return fmt::format("{}", std::get<double>(value));
    case ParamKind::kBool:
      return std::get<bool>(value) ? "true" : "false";
    case ParamKind::kChoice:
    case ParamKind::kString:
    case ParamKind::kPath:
      return std::get<std::string>(value);
    case ParamKind::kTime:
      return exact_time(std::get<Time>(value));
    case ParamKind::kBandwidth:
      return fmt::format("{} B/s", std::get<double>(value));
    case ParamKind::kBytes:
      return fmt::format("{} B", std::get<double>(value));
  }
  return "";
}

Params::Params(const std::vector<ParamSpec>& specs) {
  for (const ParamSpec& s : specs) {
    if (s.default_value) values_[s.name] = {s.kind, *s.default_value, false, next_order_++};
  }
}

void Params::set(const ParamSpec& spec, ParamValue value) {
  auto it = values_.find(spec.name);
  const size_t order = it != values_.end() ? it->second.order : next_order_++;
  values_[spec.name] = {spec.kind, std::move(value), true, order};
}

void Params::update(const std::string& name, ParamValue value) {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error(fmt::format("parameter '{}' has no value", name));
  it->second.value = std::move(value);
}

bool Params::given(const std::string& name) const {
  const auto it = values_.find(name);
  return it != values_.end() && it->second.given;
}

template <class T>
const T& Params::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error(fmt::format("parameter '{}' has no value", name));
  const T* v = std::get_if<T>(&it->second.value);
  if (v == nullptr)
    throw std::logic_error(fmt::format("parameter '{}' read as another type", name));
  return *v;
}

template const uint64_t& Params::get<uint64_t>(const std::string&) const;
template const double& Params::get<double>(const std::string&) const;
template const bool& Params::get<bool>(const std::string&) const;
template const std::string& Params::get<std::string>(const std::string&) const;
template const Time& Params::get<Time>(const std::string&) const;

std::vector<std::pair<std::string, std::string>> Params::formatted() const {
  std::vector<std::pair<size_t, std::pair<std::string, std::string>>> ordered;
  for (const auto& [name, e] : values_) {
    ordered.push_back({e.order, {name, format_param_value(e.kind, e.value)}});
  }
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [order, kv] : ordered) out.push_back(std::move(kv));
  return out;
}

}  // namespace moesim
