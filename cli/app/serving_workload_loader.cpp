#include "cli/app/serving_workload_loader.h"

#include <charconv>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

namespace moesim {
namespace {

/// Bounds that keep a closed loop's bookkeeping small: clients, and requests in all.
constexpr uint64_t kMaxConcurrency = 1 << 20;
constexpr uint64_t kMaxRequests = 1 << 24;

constexpr const char* kLengthForms =
    "expected a length: a whole number >= 1, {uniform: [LOW, HIGH]}, {lognormal: {mean: M, "
    "std: S}}";

std::filesystem::path relative_to(const std::string& scenario_path, const std::string& given) {
  const std::filesystem::path p(given);
  return p.is_absolute() ? p : std::filesystem::path(scenario_path).parent_path() / p;
}

/// One token length: a whole number, or a distribution of traces/workload/length_spec.h, drawn
/// as `moesim workload generate` draws it.
LengthSpec read_length(YamlMap& m, const std::string& key) {
  LengthSpec spec;
  if (!m.holds_map(key)) {
    const std::string text = m.get_string(key);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), spec.value);
    if (ec != std::errc() || end != text.data() + text.size() || spec.value == 0) {
      m.fail(key, fmt::format("{}, got \"{}\"", kLengthForms, text));
    }
    return spec;
  }
  YamlMap d = m.get_map(key);
  const int given = int(d.has("uniform")) + int(d.has("lognormal"));
  if (given > 1) d.fail_here("give one of uniform or lognormal");
  if (d.has("uniform")) {
    spec.kind = LengthKind::uniform;
    const std::vector<std::string> ends = d.get_string_list("uniform");
    const auto length = [](const std::string& text, uint32_t& out) {
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      return ec == std::errc() && end == text.data() + text.size() && out >= 1;
    };
    if (ends.size() != 2 || !length(ends[0], spec.low) || !length(ends[1], spec.high) ||
        spec.low > spec.high) {
      d.fail("uniform", "expected [LOW, HIGH], whole numbers >= 1 with LOW <= HIGH");
    }
  } else if (d.has("lognormal")) {
    spec.kind = LengthKind::lognormal;
    YamlMap l = d.get_map("lognormal");
    spec.mean = l.get_double("mean", 1.0, std::numeric_limits<uint32_t>::max());
    spec.stddev = l.get_double("std", 0.0, std::numeric_limits<uint32_t>::max());
    l.finish();
  }
  d.finish();  // an unknown form is named here, with the closest known one
  if (given == 0) d.fail_here(kLengthForms);
  return spec;
}

ClosedLoopSpec read_closed_loop(YamlMap m) {
  ClosedLoopSpec spec;
  spec.concurrency = static_cast<uint32_t>(m.get_uint("concurrency", 1, kMaxConcurrency));
  spec.requests = m.get_uint("requests", 1, kMaxRequests);
  spec.input = read_length(m, "input_tokens");
  spec.output = read_length(m, "output_tokens");
  if (m.has("ramp")) {
    const std::string ramp = m.get_string("ramp");
    if (ramp == "first_token") {
      spec.ramp = ClientRamp::kFirstToken;
    } else if (ramp != "at_once") {
      m.fail("ramp", fmt::format("expected at_once or first_token, got \"{}\"", ramp));
    }
  }
  if (m.has("connection_limit")) {
    spec.connection_limit =
        static_cast<uint32_t>(m.get_uint("connection_limit", 1, kMaxConcurrency));
  }
  m.finish();
  return spec;
}

}  // namespace

void load_serving_workload(YamlMap& workload, const std::string& scenario_path,
                           ServingScenario& s) {
  if (workload.has("closed_loop")) {
    if (workload.has("requests")) {
      workload.fail("closed_loop",
                    "give either a request file (requests) or closed_loop, not both");
    }
    s.closed_loop = read_closed_loop(workload.get_map("closed_loop"));
    return;
  }
  if (!workload.has("requests")) {
    workload.fail_here("a serving scenario needs requests (a request file) or closed_loop");
  }
  s.requests = relative_to(scenario_path, workload.get_string("requests")).string();
  if (!std::filesystem::exists(s.requests)) {
    workload.fail("requests", fmt::format("no request file {}", s.requests));
  }
}

}  // namespace moesim
