// Progress of a serving run on stderr (cli/app/serving_progress.h).

#include <sstream>

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_progress.h"
#include "cli/app/serving_run.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;

namespace {

std::unique_ptr<moesim::ServingRun> closed_loop_run(const moesim::StrategyCatalog& catalog) {
  const std::string scenario =
      moesim::test::source_path("scenarios/serving/closed_loop_h100.yaml").string();
  return std::make_unique<moesim::ServingRun>(moesim::load_scenario(scenario, catalog, {}),
                                              catalog);
}

}  // namespace

TEST_CASE("serving progress names simulated time, requests done and the time left",
          "[serving][cli]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const auto run = closed_loop_run(catalog);
  std::ostringstream err;
  {
    // No minimum interval: a line every 64 iterations (the run has over 500).
    const moesim::ServingProgress progress(run->simulation(), err, true,
                                           std::chrono::milliseconds(0));
    run->run();
  }
  const std::string text = err.str();
  CHECK_THAT(text, Contains("simulated ") && Contains("/64 requests done") && Contains("ETA"));
  CHECK(text.substr(text.size() - 4) == "\r\033[K");  // the line is cleared at the end
  // The progress line has ended: the simulation no longer calls into it.
  CHECK_FALSE(run->simulation().iteration_started.connected());
}

TEST_CASE("a signal calls its slots in order and stops calling a disconnected one",
          "[serving][cli]") {
  moesim::Signal<int> signal;
  std::string calls;
  const auto first = signal.connect([&calls](const int& v) { calls += "a" + std::to_string(v); });
  signal.connect([&calls](const int& v) { calls += "b" + std::to_string(v); });
  signal.emit(1);
  signal.disconnect(first);
  signal.disconnect(first);  // a second time: ignored
  signal.emit(2);
  CHECK(calls == "a1b1b2");
  CHECK(signal.connected());
}

TEST_CASE("serving progress writes nothing when disabled", "[serving][cli]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const auto run = closed_loop_run(catalog);
  std::ostringstream err;
  {
    const moesim::ServingProgress progress(run->simulation(), err, false,
                                           std::chrono::milliseconds(0));
    run->run();
  }
  CHECK(err.str().empty());
  CHECK(run->simulation().finished() == 64);
}
