#include "traces/workload/length_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr const char* kForms = "expected N, uniform:LOW:HIGH, lognormal:MEAN:STD or file:PATH";

bool parse_positive(const std::string& text, uint32_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 1;
}

bool parse_finite(const std::string& text, double& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) return parts;
    start = colon + 1;
  }
}

}  // namespace

LengthSpec parse_length_spec(const std::string& text, const std::string& what) {
  LengthSpec spec;
  const auto bad = [&](const std::string& why) {
    return ConfigError(fmt::format("{}: '{}': {}; {}", what, text, why, kForms));
  };
  if (text.rfind("file:", 0) == 0) {
    spec.kind = LengthKind::resample;
    spec.values = read_length_file(text.substr(5));
    return spec;
  }
  const auto parts = split_colons(text);
  if (parts.size() == 1) {
    spec.kind = LengthKind::fixed;
    if (!parse_positive(parts[0], spec.value)) throw bad("not a length >= 1");
    return spec;
  }
  if (parts.size() == 3 && parts[0] == "uniform") {
    spec.kind = LengthKind::uniform;
    if (!parse_positive(parts[1], spec.low) || !parse_positive(parts[2], spec.high) ||
        spec.low > spec.high) {
      throw bad("LOW and HIGH must be lengths >= 1 with LOW <= HIGH");
    }
    return spec;
  }
  if (parts.size() == 3 && parts[0] == "lognormal") {
    spec.kind = LengthKind::lognormal;
    if (!parse_finite(parts[1], spec.mean) || !parse_finite(parts[2], spec.stddev) ||
        !(spec.mean > 0.0) || !(spec.stddev > 0.0)) {
      throw bad("MEAN and STD must be numbers > 0");
    }
    return spec;
  }
  throw bad("unknown form");
}

std::vector<uint32_t> read_length_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(fmt::format("{}: cannot open file", file.string()));
  std::vector<uint32_t> values;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    uint32_t value = 0;
    if (!parse_positive(line, value)) {
      throw ConfigError(fmt::format("{}:{}: expected a length (integer >= 1), got \"{}\"",
                                    file.string(), line_number, line));
    }
    values.push_back(value);
  }
  if (values.empty()) {
    throw ConfigError(
        fmt::format("{}: no lengths, expected one integer >= 1 per line", file.string()));
  }
  return values;
}

uint32_t sample_length(const LengthSpec& spec, RngStream& rng) {
  switch (spec.kind) {
    case LengthKind::fixed:
      return spec.value;
    case LengthKind::uniform:
      return spec.low + static_cast<uint32_t>(rng.uniform_int(uint64_t{spec.high} - spec.low + 1));
    case LengthKind::lognormal: {
      const double ratio = spec.stddev / spec.mean;
      const double sigma2 = std::log1p(ratio * ratio);
      const double mu = std::log(spec.mean) - 0.5 * sigma2;
      const double draw = std::round(std::exp(rng.normal(mu, std::sqrt(sigma2))));
      constexpr double kMax = std::numeric_limits<uint32_t>::max();
      return static_cast<uint32_t>(std::clamp(draw, 1.0, kMax));
    }
    case LengthKind::resample:
      return spec.values[rng.uniform_int(spec.values.size())];
  }
  return spec.value;
}

}  // namespace moesim
