// Golden scenario tests, in the spirit of SimGrid's tesh files: every committed scenario
// (scenarios/**/*.yaml, found when the test binary starts) runs through the built `moesim`
// binary, and the files pinned under tests/golden/<scenario path without .yaml>/ must match
// byte for byte after masking (see kMasks). One ctest per scenario ("golden: quickstart"), plus
// one that checks that the scenarios and the pinned folders are the same set.
//
// With MOESIM_GOLDEN_UPDATE=1 in the environment the tests rewrite the pinned files instead of
// comparing them (scripts/golden --update); tests/golden/README.md says when to do that.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support/bound_check.h"
#include "support/scenario_files.h"

namespace fs = std::filesystem;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const char* const kUpdateCommand = "scripts/golden --update";

/// The outputs that are pinned when a run writes them. trace.json, timeseries.csv, layers.csv
/// and resolved.yaml are left out to keep the goldens small (resolved.yaml also holds absolute
/// paths); summary.txt, metrics.json and requests.csv already change whenever the simulated
/// times do.
const char* const kPinned[] = {"summary.txt", "metrics.json", "requests.csv"};

/// A golden folder's optional list of --set assignments the scenario runs with.
const char* const kOverrides = "overrides.txt";

/// Parts of an output that are allowed to differ between runs or builds, replaced before the
/// comparison and in the pinned file. Only the version string today: the outputs are otherwise
/// deterministic (same scenario and seed, byte-identical files), and the wall time of a run is
/// printed to stdout only.
struct Mask {
  const char* file;
  const char* pattern;      ///< ECMAScript regex
  const char* replacement;  ///< std::regex_replace format
};
const Mask kMasks[] = {
    {"metrics.json", R"re(("moesim_version":\s*)"[^"]*")re", R"($1"<masked: version>")"},
};

/// CSV columns left out of the pinned file, to keep it small: every gap between two tokens of a
/// request (1.8 MB for the 300 requests of the validation replay) follows from the iteration
/// times that the request's TTFT, TPOT and latency columns already pin.
struct DroppedColumn {
  const char* file;
  const char* column;
};
const DroppedColumn kDroppedColumns[] = {
    {"requests.csv", "inter_token_latencies_s"},
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (const char c : text) {
    if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

/// `csv` without the column named `column` (fields hold no quoted commas); unchanged if it has
/// no such column.
std::string drop_column(const std::string& csv, const std::string& column) {
  const std::vector<std::string> lines = split(csv, '\n');
  const std::vector<std::string> header = split(lines.front(), ',');
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return csv;
  const auto index = static_cast<size_t>(at - header.begin());
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i + 1 == lines.size() && lines[i].empty()) break;  // after the final newline
    std::vector<std::string> fields = split(lines[i], ',');
    if (fields.size() != header.size()) {
      throw std::runtime_error(
          fmt::format("line {} has {} fields, the header {}", i + 1, fields.size(), header.size()));
    }
    fields.erase(fields.begin() + static_cast<long>(index));
    std::string line;
    for (const std::string& f : fields) line += (line.empty() ? "" : ",") + f;
    out += line + "\n";
  }
  return out;
}

/// The form of an output that is pinned and compared: dropped columns and masks applied.
std::string pinned_form(const std::string& file, const std::string& text) {
  std::string result = text;
  for (const DroppedColumn& d : kDroppedColumns) {
    if (file == d.file) result = drop_column(result, d.column);
  }
  for (const Mask& m : kMasks) {
    if (file == m.file) result = std::regex_replace(result, std::regex(m.pattern), m.replacement);
  }
  return result;
}

bool update_mode() {
  const char* v = std::getenv("MOESIM_GOLDEN_UPDATE");
  return v != nullptr && std::string(v) == "1";
}

fs::path scenarios_root() {
  return moesim::test::source_path("scenarios");
}
fs::path golden_root() {
  return moesim::test::source_path("tests/golden");
}

/// Where a failing test leaves the outputs of its run, for a full diff: inside the build tree.
fs::path actual_root() {
  return fs::absolute("golden-actual");
}

/// Every committed scenario, as its path under scenarios/ without ".yaml", sorted.
std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  const fs::path root = scenarios_root();
  if (!fs::is_directory(root)) return names;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    names.push_back(fs::relative(entry.path(), root).replace_extension().generic_string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// Every folder under tests/golden that holds a pinned file, as its relative path, sorted.
std::vector<std::string> golden_names() {
  std::set<std::string> names;
  const fs::path root = golden_root();
  if (!fs::is_directory(root)) return {};
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string file = entry.path().filename().string();
    if (std::find(std::begin(kPinned), std::end(kPinned), file) == std::end(kPinned)) continue;
    names.insert(fs::relative(entry.path().parent_path(), root).generic_string());
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (!text.empty() && text.back() != '\n') lines.back() += "  (no newline at end of file)";
  return lines;
}

/// A unified-diff-like excerpt of the first differing region: the lines between the common
/// start and the common end, at most `limit` from each side, with 3 lines of context.
std::string diff_excerpt(const std::string& expected, const std::string& actual,
                         const std::string& expected_name, const std::string& actual_name) {
  const std::vector<std::string> a = split_lines(expected);
  const std::vector<std::string> b = split_lines(actual);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  const size_t context = 3;
  const size_t limit = 10;
  const size_t from = head > context ? head - context : 0;
  const size_t a_end = a.size() - tail;
  const size_t b_end = b.size() - tail;
  const size_t after = std::min(tail, context);
  std::string out = fmt::format("--- {}\n+++ {}\n", expected_name, actual_name);
  out += fmt::format("@@ -{},{} +{},{} @@ (the differences span {} of {} lines)\n", from + 1,
                     a_end + after - from, from + 1, b_end + after - from,
                     std::max(a_end, b_end) - head, std::max(a.size(), b.size()));
  for (size_t i = from; i < head; ++i) out += " " + a[i] + "\n";
  const auto side = [&](const std::vector<std::string>& lines, size_t end, char sign) {
    for (size_t i = head; i < end && i < head + limit; ++i) out += sign + lines[i] + "\n";
    if (end > head + limit) out += fmt::format("{}... {} more\n", sign, end - head - limit);
  };
  side(a, a_end, '-');
  side(b, b_end, '+');
  for (size_t i = a_end; i < a_end + after; ++i) out += " " + a[i] + "\n";
  return out;
}

std::vector<std::string> pinned_files_in(const fs::path& dir) {
  std::vector<std::string> files;
  for (const char* file : kPinned) {
    if (fs::is_regular_file(dir / file)) files.emplace_back(file);
  }
  return files;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : ", ") + item;
  return s.empty() ? "(none)" : s;
}

/// Runs one scenario and compares (or, in update mode, rewrites) its pinned outputs.
void check_scenario(const std::string& name) {
  const fs::path scenario = scenarios_root() / (name + ".yaml");
  const fs::path golden = golden_root() / name;
  const fs::path actual = actual_root() / name;
  const std::string rerun = fmt::format("moesim run scenarios/{}.yaml --out DIR", name);
  INFO("scenario " << scenario.generic_string());

  TempDir dir("golden");
  const fs::path out = dir / "out";
  std::vector<std::string> args{"run", scenario.string(), "--out", out.string(), "--quiet"};
  // A scenario too large to run in a test (scenarios/scale/) is pinned on a cut: the folder's
  // overrides.txt holds one `--set` assignment per line.
  if (fs::is_regular_file(golden / kOverrides)) {
    for (const std::string& line : split(read_text(golden / kOverrides), '\n')) {
      if (!line.empty()) args.insert(args.end(), {"--set", line});
    }
  }
  const auto run = run_cli(args);
  INFO("moesim stderr: " << (run.err.empty() ? "(empty)" : run.err));
  REQUIRE(run.exit_code == 0);

  const std::vector<std::string> produced = pinned_files_in(out);
  REQUIRE_FALSE(produced.empty());
  // Every committed scenario stays within its hardware limit.
  moesim::test::check_within_bound(out / "metrics.json");
  std::error_code ec;
  fs::remove_all(actual, ec);

  if (update_mode()) {
    for (const char* file : kPinned) fs::remove(golden / file);
    for (const std::string& file : produced) {
      write_text(golden / file, pinned_form(file, read_text(out / file)));
    }
    return;
  }

  const std::vector<std::string> pinned = pinned_files_in(golden);
  if (pinned.empty()) {
    FAIL_CHECK(
        fmt::format("tests/golden/{}/ pins no outputs of this scenario; run `{}`, review "
                    "the new files and commit them",
                    name, kUpdateCommand));
  } else if (pinned != produced) {
    FAIL_CHECK(fmt::format(
        "tests/golden/{} pins {} but the run writes {}; if the change is intended, run `{}` "
        "and review the diff",
        name, joined(pinned), joined(produced), kUpdateCommand));
  }
  for (const std::string& file : pinned) {
    if (!fs::is_regular_file(out / file)) continue;
    const std::string want = read_text(golden / file);
    const std::string got = pinned_form(file, read_text(out / file));
    if (want == got) continue;
    write_text(actual / file, got);
    const std::string golden_file = fmt::format("tests/golden/{}/{}", name, file);
    const std::string actual_file = (actual / file).generic_string();
    FAIL_CHECK(
        fmt::format("{} differs from the output of `{}` (diff below); if the change is "
                    "intended, run `{}` and review the diff before committing it",
                    golden_file, rerun, kUpdateCommand));
    // Printed after Catch's report of the failure and not wrapped, unlike a Catch message.
    std::cout << diff_excerpt(want, got, golden_file, actual_file)
              << fmt::format("full diff: diff -u {} {}\n\n", golden_file, actual_file)
              << std::flush;
  }
}

/// Registers one test case per scenario found when the binary starts, so that ctest (through
/// catch_discover_tests) lists each scenario as its own test.
struct GoldenInvoker : Catch::ITestInvoker {
  explicit GoldenInvoker(std::string n) : name(std::move(n)) {}
  void invoke() const override { check_scenario(name); }
  std::string name;
};

struct GoldenRegistration {
  GoldenRegistration() {
    for (const std::string& name : scenario_names()) {
      test_names.push_back("golden: " + name);
      // Catch keeps its own copy of the name and owns the invoker.
      const Catch::AutoReg reg(new GoldenInvoker(name), CATCH_INTERNAL_LINEINFO, Catch::StringRef(),
                               Catch::NameAndTags(test_names.back(), "[golden]"));
    }
  }
  std::vector<std::string> test_names;
};
const GoldenRegistration registration;

}  // namespace

TEST_CASE("golden: every scenario has pinned outputs and every pinned folder a scenario",
          "[golden]") {
  const std::vector<std::string> scenarios = scenario_names();
  REQUIRE_FALSE(scenarios.empty());
  const std::vector<std::string> goldens = golden_names();
  std::vector<std::string> unpinned;
  std::set_difference(scenarios.begin(), scenarios.end(), goldens.begin(), goldens.end(),
                      std::back_inserter(unpinned));
  std::vector<std::string> orphans;
  std::set_difference(goldens.begin(), goldens.end(), scenarios.begin(), scenarios.end(),
                      std::back_inserter(orphans));

  if (update_mode()) {
    for (const std::string& name : orphans) {
      for (const char* file : kPinned) fs::remove(golden_root() / name / file);
      // Remove the folders left empty, up to tests/golden.
      for (fs::path dir = golden_root() / name; dir != golden_root() && fs::is_empty(dir);
           dir = dir.parent_path()) {
        fs::remove(dir);
      }
    }
    return;
  }
  for (const std::string& name : unpinned) {
    FAIL_CHECK(
        fmt::format("scenarios/{}.yaml has no golden outputs under tests/golden/{}/; run "
                    "`{}` and commit them",
                    name, name, kUpdateCommand));
  }
  for (const std::string& name : orphans) {
    FAIL_CHECK(
        fmt::format("tests/golden/{}/ pins outputs of scenarios/{}.yaml, which does not "
                    "exist; run `{}` to remove them",
                    name, name, kUpdateCommand));
  }
}
