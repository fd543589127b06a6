#include "cli/app/sweep_axis_values.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

std::string trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

/// The items of "a, b, c", trimmed; an empty item is an error.
std::vector<std::string> split_items(const std::string& text, const std::string& where) {
  std::vector<std::string> items;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    const std::string item =
        trim(text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    if (item.empty()) {
      throw ConfigError(fmt::format(
          "{}: expected values separated by commas, got an empty one in \"{}\"", where, text));
    }
    items.push_back(item);
    if (comma == std::string::npos) return items;
    begin = comma + 1;
  }
}

/// The text inside "name(...)" when `text` has that form.
bool call_arguments(const std::string& text, const std::string& name, std::string& arguments) {
  if (text.rfind(name + "(", 0) != 0 || text.back() != ')') return false;
  arguments = text.substr(name.size() + 1, text.size() - name.size() - 2);
  return true;
}

struct Quantity {
  double number = 0;
  std::string unit;
};

Quantity parse_quantity(const std::string& text, const std::string& where) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number)) {
    throw ConfigError(fmt::format(
        "{}: range: expected a number with an optional unit such as \"100 GB/s\", got \"{}\"",
        where, text));
  }
  return {number, trim(std::string(end))};
}

}  // namespace

std::vector<std::string> expand_range(const std::string& arguments, const std::string& where) {
  const std::vector<std::string> parts = split_items(arguments, where);
  if (parts.size() != 3) {
    throw ConfigError(fmt::format("{}: expected range(START, STOP, STEP), got {} part(s) in \"{}\"",
                                  where, parts.size(), arguments));
  }
  const Quantity start = parse_quantity(parts[0], where);
  const Quantity stop = parse_quantity(parts[1], where);
  const Quantity step = parse_quantity(parts[2], where);
  if (start.unit != stop.unit || start.unit != step.unit) {
    throw ConfigError(fmt::format(
        "{}: range: START, STOP and STEP must have the same unit, got \"{}\", \"{}\" and \"{}\"",
        where, start.unit, stop.unit, step.unit));
  }
  if (step.number <= 0 || start.number > stop.number) {
    throw ConfigError(fmt::format(
        "{}: empty range (expected START <= STOP and STEP > 0), got range({})", where, arguments));
  }
  // Counted, not accumulated: STOP is included when it lands on it within rounding.
  const double steps = std::floor((stop.number - start.number) / step.number + 1e-9);
  if (steps + 1 > static_cast<double>(kMaxRangeValues)) {
    throw ConfigError(fmt::format("{}: range({}) has {} values, more than the {} allowed", where,
                                  arguments, steps + 1, kMaxRangeValues));
  }
  std::vector<std::string> values;
  for (size_t i = 0; i <= static_cast<size_t>(steps); ++i) {
    const std::string number =
        fmt::format("{:.15g}", start.number + static_cast<double>(i) * step.number);
    values.push_back(start.unit.empty() ? number : number + " " + start.unit);
  }
  return values;
}

std::vector<std::string> parse_axis_values(const YAML::Node& node, const std::string& where) {
  if (node.IsSequence()) {
    if (node.size() == 0) throw ConfigError(fmt::format("{}: empty axis: expected values", where));
    std::vector<std::string> values;
    for (const YAML::Node& element : node) {
      if (!element.IsScalar() || trim(element.Scalar()).empty()) {
        throw ConfigError(fmt::format("{}: expected a list of single values", where));
      }
      values.push_back(trim(element.Scalar()));
    }
    return values;
  }
  if (!node.IsScalar() || trim(node.Scalar()).empty()) {
    throw ConfigError(fmt::format(
        "{}: empty axis: expected a list, \"a, b\", \"choice(a, b)\" or \"range(START, STOP, "
        "STEP)\"",
        where));
  }
  const std::string text = trim(node.Scalar());
  std::string arguments;
  if (call_arguments(text, "range", arguments)) return expand_range(arguments, where);
  if (call_arguments(text, "choice", arguments)) return split_items(arguments, where);
  return split_items(text, where);
}

}  // namespace moesim
