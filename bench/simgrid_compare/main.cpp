// moesim_simgrid_compare: all-to-all flow sets on a star and on a two-level fat-tree, run in
// moesim and in SimGrid; prints both completion times and both wall times.
//
//   moesim_simgrid_compare [--ranks N]... [--topology star|fattree|both] [--check]
//
// --ranks takes one count or a comma list and may repeat (default 8,64). --check exits 1 when
// a completion time differs by more than 1% between the two, or a side did not finish.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fabric.h"

namespace {

using namespace moesim::compare;

constexpr double kTolerance = 0.01;  // relative, on completion time

struct Options {
  std::vector<uint32_t> ranks;
  bool star = true;
  bool fat_tree = true;
  bool check = false;
};

void usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--ranks N[,N...]]... [--topology star|fattree|both] [--check]\n",
               argv0);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--ranks") {
      const std::string list = value();
      size_t start = 0;
      while (start <= list.size()) {
        const size_t end = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, end - start);
        char* rest = nullptr;
        const unsigned long n = std::strtoul(item.c_str(), &rest, 10);
        if (item.empty() || *rest != '\0' || n < 2 || n > 4096) {
          throw std::invalid_argument("--ranks wants integers in [2, 4096], got '" + item + "'");
        }
        o.ranks.push_back(static_cast<uint32_t>(n));
        start = end + 1;
      }
    } else if (a == "--topology") {
      const std::string t = value();
      if (t != "star" && t != "fattree" && t != "both") {
        throw std::invalid_argument("--topology wants star, fattree or both, got '" + t + "'");
      }
      o.star = t != "fattree";
      o.fat_tree = t != "star";
    } else if (a == "--check") {
      o.check = true;
    } else if (a == "--help" || a == "-h") {
      usage(argv[0]);
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown option '" + a + "'");
    }
  }
  if (o.ranks.empty()) o.ranks = {8, 64};
  return o;
}

// One case: both simulators, one output line. Returns false when it fails the check.
bool compare(const Fabric& fabric) {
  const SideResult m = run_moesim(fabric);
  const SideResult s = run_simgrid(fabric);
  const double rel =
      (m.ok && s.ok) ? std::abs(m.completion_us - s.completion_us) / s.completion_us : NAN;
  const bool pass = m.ok && s.ok && rel <= kTolerance;
  const std::string analytic =
      fabric.analytic_us >= 0 ? fmt::format("{:.6f}", fabric.analytic_us) : std::string("-");
  fmt::print(
      "{:<8} {:>5} {:>7} {:>14.6f} {:>14.6f} {:>14} {:>9.2e} {:>9.3f} {:>9.3f} {:>8.1f}x"
      " {:>8.3f} {:>8.3f}  {}\n",
      fabric.topology, fabric.hosts.size(), fabric.flow_count(), m.completion_us, s.completion_us,
      analytic, rel, m.wall_s(), s.wall_s(), s.wall_s() / m.wall_s(), m.setup_s, s.setup_s,
      pass ? "ok" : "FAIL");
  if (!m.ok)
    fmt::print(stderr, "moesim finished {} of {} flows\n", m.flows_done, fabric.flow_count());
  if (!s.ok)
    fmt::print(stderr, "SimGrid finished {} of {} flows\n", s.flows_done, fabric.flow_count());
  std::fflush(stdout);
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    usage(argv[0]);
    return 2;
  }
  fmt::print(
      "# all-to-all: every rank sends 1 MiB to every other rank, all flows start at t=0\n"
      "# star: 50 GB/s host links (each direction), 1 us each; fattree: {} hosts per leaf,"
      " leaf-core links at half the leaf's host bandwidth (2:1), 0 us\n"
      "# moesim: Topology + MaxMinNetwork + Simulator\n# {}\n"
      "# wall = setup (platform, routes, flows) + run; speedup = SimGrid wall / moesim "
      "wall; rel_diff = |moesim - SimGrid| / SimGrid, pass <= {}\n",
      kHostsPerLeaf, simgrid_description(), kTolerance);
  fmt::print("{:<8} {:>5} {:>7} {:>14} {:>14} {:>14} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}  {}\n",
             "topology", "ranks", "flows", "moesim_us", "simgrid_us", "analytic_us", "rel_diff",
             "moesim_s", "simgrid_s", "speedup", "m_setup", "sg_setup", "check");
  std::fflush(stdout);
  bool all_pass = true;
  for (const uint32_t n : options.ranks) {
    if (options.star) all_pass = compare(make_star(n)) && all_pass;
    if (options.fat_tree) all_pass = compare(make_fat_tree(n)) && all_pass;
  }
  return options.check && !all_pass ? 1 : 0;
}
