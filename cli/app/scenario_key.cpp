#include "cli/app/scenario_key.h"

#include <fmt/format.h>

namespace moesim {

const char* to_string(KeyType type) {
  switch (type) {
    case KeyType::kString:
      return "text";
    case KeyType::kWholeNumber:
      return "whole number";
    case KeyType::kNumber:
      return "number";
    case KeyType::kBool:
      return "true or false";
    case KeyType::kTime:
      return "time";
    case KeyType::kBytes:
      return "bytes";
    case KeyType::kBandwidth:
      return "bandwidth";
    case KeyType::kFlopRate:
      return "flop rate";
    case KeyType::kPath:
      return "path";
    case KeyType::kChoice:
      return "choice";
    case KeyType::kMap:
      return "mapping";
    case KeyType::kList:
      return "list";
    case KeyType::kLength:
      return "length";
    case KeyType::kStrategy:
      return "strategy";
    case KeyType::kRefused:
      return "refused";
  }
  return "?";
}

std::string ScenarioKey::type_text() const {
  switch (type) {
    case KeyType::kTime:
      return "time (e.g. \"2 us\")";
    case KeyType::kBytes:
      return "bytes (e.g. \"80 GiB\")";
    case KeyType::kBandwidth:
      return "bandwidth (e.g. \"900 GB/s\")";
    case KeyType::kFlopRate:
      return "flop rate (e.g. \"989 TFLOP/s\")";
    case KeyType::kChoice:
      return fmt::format("choice of {}", fmt::join(choices, " | "));
    case KeyType::kList:
      return "list of " + items;
    case KeyType::kLength:
      return "length (whole number, {uniform: [LOW, HIGH]} or {lognormal: {mean, std}})";
    case KeyType::kStrategy:
      return family + " strategy";
    default:
      return to_string(type);
  }
}

namespace key {

ScenarioKey value(std::string path, KeyType type, std::string default_text, std::string description,
                  std::string unit) {
  ScenarioKey k;
  k.path = std::move(path);
  k.type = type;
  k.default_text = std::move(default_text);
  k.description = std::move(description);
  k.unit = std::move(unit);
  return k;
}

ScenarioKey choice(std::string path, std::vector<std::string> choices, std::string default_text,
                   std::string description) {
  ScenarioKey k =
      value(std::move(path), KeyType::kChoice, std::move(default_text), std::move(description));
  k.choices = std::move(choices);
  return k;
}

ScenarioKey block(std::string path, std::string description, std::string default_text) {
  return value(std::move(path), KeyType::kMap, std::move(default_text), std::move(description));
}

ScenarioKey list(std::string path, std::string items, std::string default_text,
                 std::string description) {
  ScenarioKey k =
      value(std::move(path), KeyType::kList, std::move(default_text), std::move(description));
  k.items = std::move(items);
  return k;
}

ScenarioKey strategy(std::string path, std::string family, std::string selector,
                     std::string default_text, std::string description) {
  ScenarioKey k =
      value(std::move(path), KeyType::kStrategy, std::move(default_text), std::move(description));
  k.family = std::move(family);
  k.selector = std::move(selector);
  return k;
}

ScenarioKey refused(std::string path, std::string description) {
  return value(std::move(path), KeyType::kRefused, "none", std::move(description));
}

}  // namespace key

}  // namespace moesim
