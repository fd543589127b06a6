// `moesim plot` (cli/plot_command.cpp): each kind renders a non-empty PNG and SVG through
// gnuplot, from a serving run, a layer run and a sweep's results.csv.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "cli/app/gnuplot_runner.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace fs = std::filesystem;

namespace {

/// A PNG begins with its 8-byte signature; an SVG with an XML or svg element.
void check_images(const fs::path& dir, const std::string& stem) {
  INFO(dir.string() << " " << stem);
  const std::string png = read_text(dir / (stem + ".png"));
  REQUIRE(png.size() > 1000);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  const std::string svg = read_text(dir / (stem + ".svg"));
  REQUIRE(svg.size() > 1000);
  CHECK_THAT(svg, Contains("<svg"));
}

}  // namespace

TEST_CASE("plot draws every kind as PNG and SVG", "[plot][cli]") {
  // scripts/setup.sh installs gnuplot-nox; without it the command says so (checked below).
  REQUIRE(moesim::gnuplot_available());
  TempDir dir("plot");
  const std::string serving = (dir / "serving").string();
  REQUIRE(run_cli({"run", source_path("scenarios/serving/closed_loop_h100.yaml").string(), "--out",
                   serving, "--quiet", "--no-trace"})
              .exit_code == 0);
  const auto drawn = run_cli({"plot", serving});
  INFO(drawn.err);
  REQUIRE(drawn.exit_code == 0);
  for (const char* stem : {"latency_cdf", "rank_heatmap", "bound"}) {
    check_images(dir / "serving.plots", stem);
  }

  const std::string layer = (dir / "layer").string();
  REQUIRE(run_cli({"run", source_path("scenarios/quickstart.yaml").string(), "--out", layer,
                   "--quiet", "--no-trace"})
              .exit_code == 0);
  REQUIRE(run_cli({"plot", layer, "--out", (dir / "layer-plots").string()}).exit_code == 0);
  check_images(dir / "layer-plots", "bound");

  // A sweep's results.csv: a metric and the fraction of bound, one line per series, with a
  // word on the x axis.
  write_text(dir / "results.csv",
             "id,routing.generator,placement,status,output_tokens_per_s,bound.fraction_of_bound\n"
             "a,uniform,contiguous,ok,100,0.5\nb,zipf,contiguous,ok,80,0.4\n"
             "c,uniform,eplb,ok,120,0.6\nd,zipf,eplb,missing,,\n");
  const auto sweep = run_cli({"plot", (dir / "results.csv").string(), "--x", "routing.generator",
                              "--y", "output_tokens_per_s", "--series", "placement", "--kind",
                              "metric", "--kind", "bound"});
  INFO(sweep.err);
  REQUIRE(sweep.exit_code == 0);
  check_images(dir / "results.plots", "metric");
  check_images(dir / "results.plots", "fraction_of_bound");
  CHECK_THAT(read_text(dir / "results.plots" / "metric.gp"), Contains("'uniform' 0"));
  // --where keeps one slice: the contiguous placement's two points, one line.
  const auto slice = run_cli({"plot", (dir / "results.csv").string(), "--x", "routing.generator",
                              "--y", "output_tokens_per_s", "--where", "placement=contiguous",
                              "--out", (dir / "slice").string()});
  REQUIRE(slice.exit_code == 0);
  CHECK(read_text(dir / "slice" / "metric.dat") == "0 100\n1 80\n\n\n");
}

TEST_CASE("plot labels from a results.csv never run as commands", "[plot][cli]") {
  REQUIRE(moesim::gnuplot_available());
  TempDir dir("plot-labels");
  // gnuplot runs a backquoted command inside a double-quoted string: labels are single-quoted.
  write_text(dir / "results.csv",
             "id,generator,status,tokens\na,`touch pwned`,ok,1\nb,it's,ok,2\n");
  const auto r =
      run_cli({"plot", (dir / "results.csv").string(), "--x", "generator", "--y", "tokens"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "results.plots" / "pwned"));
  CHECK_FALSE(fs::exists(dir / "pwned"));
  CHECK_THAT(read_text(dir / "results.plots" / "metric.gp"),
             Contains("'`touch pwned`' 0") && Contains("'it''s' 1"));
  check_images(dir / "results.plots", "metric");
}

TEST_CASE("plot refuses what it cannot draw, naming the option", "[plot][cli]") {
  TempDir dir("plot-bad");
  const std::string layer = (dir / "layer").string();
  REQUIRE(run_cli({"run", source_path("scenarios/quickstart.yaml").string(), "--out", layer,
                   "--quiet", "--no-trace"})
              .exit_code == 0);
  const auto cdf = run_cli({"plot", layer, "--kind", "cdf"});
  CHECK(cdf.exit_code == 2);
  CHECK_THAT(cdf.err, Contains("--kind cdf") && Contains("layer run"));
  write_text(dir / "results.csv", "id,x,status,y\na,1,ok,2\n");
  const auto column = run_cli({"plot", (dir / "results.csv").string(), "--x", "x", "--y", "z"});
  CHECK(column.exit_code == 2);
  CHECK_THAT(column.err, Contains("--y: no column \"z\""));
  const auto missing = run_cli({"plot", (dir / "nowhere").string()});
  CHECK(missing.exit_code == 2);
  write_text(dir / "words.csv", "id,x,status,y\na,1,ok,fast\n");
  const auto word = run_cli({"plot", (dir / "words.csv").string(), "--x", "x", "--y", "y"});
  CHECK(word.exit_code == 2);
  CHECK_THAT(word.err, Contains("words.csv: data row 1: y: expected a number, got \"fast\""));
  // A folder moesim did not make is never replaced.
  fs::create_directories(dir / "mine");
  write_text(dir / "mine" / "keep.txt", "user data");
  const auto mine = run_cli({"plot", layer, "--out", (dir / "mine").string()});
  CHECK(mine.exit_code == 2);
  CHECK(read_text(dir / "mine" / "keep.txt") == "user data");
}
