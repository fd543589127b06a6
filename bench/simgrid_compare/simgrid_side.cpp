// The SimGrid side: the fabric built programmatically with the s4u NetZone API (one full zone,
// split-duplex links, an explicit route per ordered host pair), one actor per rank that posts
// Mailbox::put_async to every other rank and get_async for every incoming flow, then waits.
// Plain max-min: CM02 with cross-traffic, latency weighting of the rate and factors disabled.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

// Needs the macros of xbt/base.h, which s4u.hpp brings in first.
#include <simgrid/version.h>

#include "fabric.h"

namespace sg4 = simgrid::s4u;

namespace moesim::compare {

namespace {

// What the child process sends back through the pipe.
struct ChildReport {
  double completion_s = 0.0;
  double setup_s = 0.0;
  double run_s = 0.0;
  uint64_t done = 0;
};

const std::vector<std::string> kConfig = {
    "--log=root.thres:critical",  // no configuration chatter on stderr
    "--cfg=network/model:CM02",         "--cfg=network/crosstraffic:0",
    "--cfg=network/weight-S:0",         "--cfg=network/latency-factor:1",
    "--cfg=network/bandwidth-factor:1",
};

ChildReport simulate(const Fabric& fabric) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();

  std::vector<std::string> args = {"moesim_simgrid_compare"};
  args.insert(args.end(), kConfig.begin(), kConfig.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  sg4::Engine engine(&argc, argv.data());

  sg4::NetZone* zone = sg4::create_full_zone("fabric");
  const size_t n_nodes = fabric.nodes.size();
  std::vector<sg4::Host*> host_at(n_nodes, nullptr);
  std::vector<sg4::Link*> link_above(n_nodes, nullptr);  // node -> parent, split duplex
  for (size_t i = 0; i < n_nodes; ++i) {
    const FabricNode& n = fabric.nodes[i];
    if (n.host) host_at[i] = zone->create_host(n.name, 1e9)->seal();  // speed unused (flop/s)
    if (n.parent >= 0) {
      link_above[i] = zone->create_split_duplex_link(n.name + "-link", n.bandwidth)
                          ->set_latency(static_cast<double>(n.latency_ps) * 1e-12)
                          ->seal();
    }
  }
  const auto& hosts = fabric.hosts;
  const auto ranks = static_cast<uint32_t>(hosts.size());
  std::vector<sg4::LinkInRoute> route;
  for (uint32_t s = 0; s < ranks; ++s) {
    for (uint32_t d = 0; d < ranks; ++d) {
      if (s == d) continue;
      route.clear();
      for (const auto& [node, up] : tree_route(fabric, hosts[s], hosts[d])) {
        // UP is the child -> parent direction of the split-duplex link.
        route.emplace_back(link_above[node], up ? sg4::LinkInRoute::Direction::UP
                                                : sg4::LinkInRoute::Direction::DOWN);
      }
      zone->add_route(host_at[hosts[s]]->get_netpoint(), host_at[hosts[d]]->get_netpoint(), nullptr,
                      nullptr, route, false);
    }
  }
  zone->seal();

  // One mailbox per receiving rank; which sender a get_async matches does not matter: the
  // comm's route is fixed by the sender's and the receiver's hosts, and all sizes are equal.
  std::vector<sg4::Mailbox*> inbox(ranks);
  for (uint32_t r = 0; r < ranks; ++r) inbox[r] = sg4::Mailbox::by_name("rank" + std::to_string(r));
  static char payload = 0;  // the data pointer handed over; never read
  const auto bytes = static_cast<uint64_t>(fabric.bytes);
  ChildReport report;
  for (uint32_t r = 0; r < ranks; ++r) {
    sg4::Actor::create("rank" + std::to_string(r), host_at[hosts[r]], [&, r] {
      std::vector<sg4::CommPtr> comms;
      comms.reserve(2 * (ranks - 1));
      std::vector<void*> received(ranks - 1, nullptr);
      for (uint32_t d = 0; d < ranks; ++d) {
        if (d != r) comms.push_back(inbox[d]->put_async(&payload, bytes));
      }
      for (uint32_t k = 0; k + 1 < ranks; ++k) {
        comms.push_back(inbox[r]->get_async<void>(&received[k]));
      }
      sg4::Comm::wait_all(comms);
      report.done += ranks - 1;
      report.completion_s = std::max(report.completion_s, sg4::Engine::get_clock());
    });
  }
  const auto t1 = Clock::now();
  engine.run();
  const auto t2 = Clock::now();
  report.setup_s = std::chrono::duration<double>(t1 - t0).count();
  report.run_s = std::chrono::duration<double>(t2 - t1).count();
  return report;
}

}  // namespace

SideResult run_simgrid(const Fabric& fabric) {
  SideResult result;
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    return result;
  }
  std::fflush(nullptr);  // the child must not repeat buffered output
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return result;
  }
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    ChildReport report;
    try {
      report = simulate(fabric);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "SimGrid side failed: %s\n", e.what());
      code = 1;
    }
    const bool written = write(fds[1], &report, sizeof report) == sizeof report;
    _exit(code != 0 || !written ? 1 : 0);  // skip SimGrid's teardown; the parent goes on
  }
  close(fds[1]);
  ChildReport report;
  size_t got = 0;
  while (got < sizeof report) {
    const ssize_t n = read(fds[0], reinterpret_cast<char*>(&report) + got, sizeof report - got);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof report || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "SimGrid child for %s/%zu ranks did not finish cleanly\n",
                 fabric.topology.c_str(), fabric.hosts.size());
    return result;
  }
  result.ok = report.done == fabric.flow_count();
  result.flows_done = report.done;
  result.completion_us = report.completion_s * 1e6;
  result.setup_s = report.setup_s;
  result.run_s = report.run_s;
  return result;
}

std::string simgrid_description() {
  std::string cfg;
  for (const std::string& c : kConfig) {
    if (c.rfind("--cfg=", 0) == 0) cfg += (cfg.empty() ? "" : " ") + c.substr(6);
  }
  return "SimGrid " + std::to_string(SIMGRID_VERSION_MAJOR) + "." +
         std::to_string(SIMGRID_VERSION_MINOR) + "." + std::to_string(SIMGRID_VERSION_PATCH) +
         " [" + cfg +
         "]; timed form: one actor per rank, Mailbox::put_async / get_async, Comm::wait_all; "
         "s4u full zone, split-duplex links, one route per ordered pair";
}

}  // namespace moesim::compare
