#include "cli/app/sweep_status.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "cli/app/external_command.h"
#include "cli/app/sweep_folder.h"

namespace moesim {
namespace fs = std::filesystem;
namespace {

/// Tasks in a range list such as "4-7,9%2" (the %N throttle is not a task).
size_t tasks_in_ranges(const std::string& ranges) {
  size_t count = 0;
  std::istringstream parts(ranges.substr(0, ranges.find('%')));
  std::string part;
  while (std::getline(parts, part, ',')) {
    const size_t dash = part.find('-');
    try {
      if (dash == std::string::npos) {
        std::stoul(part);
        ++count;
      } else {
        const unsigned long first = std::stoul(part.substr(0, dash));
        const unsigned long last = std::stoul(part.substr(dash + 1));
        if (last >= first) count += last - first + 1;
      }
    } catch (const std::exception&) {
      // Not a range squeue writes: counted as nothing.
    }
  }
  return count;
}

/// The last "JOBID TASKS" line of SWEEP/slurm/jobs, or "" when there is none.
std::string last_job(const fs::path& dir) {
  std::ifstream in(dir / "slurm" / "jobs");
  std::string line, job;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id;
    if (fields >> id) job = id;
  }
  return job;
}

std::string state_counts(const std::map<std::string, size_t>& states) {
  std::string text;
  for (const auto& [state, count] : states) {
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, state);
  }
  return text;
}

}  // namespace

std::map<std::string, size_t> count_array_task_states(const std::string& squeue_output) {
  std::map<std::string, size_t> states;
  std::istringstream lines(squeue_output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string task, state;
    if (!(fields >> task >> state)) continue;
    const size_t underscore = task.find('_');
    if (underscore == std::string::npos) continue;
    const std::string index = task.substr(underscore + 1);
    const size_t tasks = index.size() > 2 && index.front() == '[' && index.back() == ']'
                             ? tasks_in_ranges(index.substr(1, index.size() - 2))
                             : tasks_in_ranges(index);
    if (tasks > 0) states[state] += tasks;
  }
  return states;
}

int print_sweep_status(const std::string& dir_text) {
  const fs::path dir(dir_text);
  require_sweep_folder(dir);
  const SweepTable table = read_points_csv(dir / "points.csv");
  size_t done = 0, started = 0;
  std::vector<std::string> without_result;
  for (const auto& [id, values] : table.points) {
    if (fs::exists(dir / "points" / id / "metrics.json")) {
      ++done;
    } else if (fs::exists(dir / "points" / (id + ".log"))) {
      ++started;
      without_result.push_back(id);
    }
  }
  const size_t total = table.points.size();
  std::cout << fmt::format(
      "sweep {}: {} points, {} done, {} started without a result yet, {} "
      "not started\n",
      dir.string(), total, done, started, total - done - started);
  for (size_t i = 0; i < without_result.size() && i < 5; ++i) {
    std::cout << fmt::format("  {}: running, or failed (see {})\n", without_result[i],
                             (dir / "points" / (without_result[i] + ".log")).string());
  }
  if (without_result.size() > 5) {
    std::cout << fmt::format("  and {} more\n", without_result.size() - 5);
  }

  const std::string job = last_job(dir);
  if (!job.empty()) {
    if (!on_path("squeue")) {
      std::cout << fmt::format("slurm job {}: squeue not found here to ask its state\n", job);
    } else {
      // -r: a line per array task, so no range expression (which squeue may cut short).
      const ExternalResult result =
          run_external({"squeue", "-h", "-r", "-t", "all", "-j", job, "-o", "%i %T"});
      const auto states = count_array_task_states(result.out);
      if (result.exit_code != 0 || states.empty()) {
        std::cout << fmt::format(
            "slurm job {}: not known to squeue (ended longer ago than the cluster keeps jobs, or "
            "submitted to another cluster)\n",
            job);
      } else {
        std::cout << fmt::format("slurm job {}: {}\n", job, state_counts(states));
      }
    }
  }
  if (total > 0 && done == total) {
    std::cout << fmt::format("every point is done: moesim sweep collect {}\n", dir.string());
  }
  return 0;
}

}  // namespace moesim
