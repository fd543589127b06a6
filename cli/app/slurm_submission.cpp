#include "cli/app/slurm_submission.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/app/external_command.h"
#include "cli/app/sweep_folder.h"
#include "cli/app/sweep_spec.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/config_error.h"

namespace moesim {
namespace fs = std::filesystem;
namespace {

/// Slurm's default MaxArraySize is 1001: array indices 0 to 1000.
constexpr size_t kMaxArrayTasks = 1000;

/// `text` as one single-quoted shell word.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Whether `text` can stand in an #SBATCH line as it is: sbatch splits those lines at blanks
/// and reads % in file names as a pattern.
bool sbatch_safe(const std::string& text, const std::string& extra) {
  for (const char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!plain && extra.find(c) == std::string::npos) return false;
  }
  return !text.empty();
}

SlurmArrayPlan plan_array(const SlurmSubmitOptions& options, size_t points) {
  SlurmArrayPlan plan;
  const fs::path scenario = fs::absolute(options.scenario).lexically_normal();
  const fs::path dir = fs::absolute(options.out_dir).lexically_normal();
  std::string stem = scenario.stem().string();
  for (char& c : stem)
    if (!sbatch_safe(std::string(1, c), "._-")) c = '_';
  plan.job_name = "moesim-" + stem;
  plan.moesim = own_executable();
  plan.scenario = scenario.string();
  plan.sweep_dir = dir.string();
  if (!sbatch_safe(plan.sweep_dir, "/._-+,=@:")) {
    throw ConfigError(fmt::format(
        "--out {}: a Slurm sweep folder's path may hold only letters, digits and /._-+,=@: "
        "(the task logs are named in #SBATCH lines, which split at blanks and read %)",
        plan.sweep_dir));
  }
  if (!options.partition.empty() && !sbatch_safe(options.partition, "._-")) {
    throw ConfigError(
        fmt::format("--partition {}: expected a partition name (letters, digits, "
                    "._-)",
                    options.partition));
  }
  if (!options.time_limit.empty() && !sbatch_safe(options.time_limit, ":-")) {
    throw ConfigError(
        fmt::format("--time {}: expected a Slurm time limit such as 30, 2:00:00 or 1-00:00:00",
                    options.time_limit));
  }
  if (points == 0) {
    throw ConfigError(
        fmt::format("{}: sweep: every point is excluded; nothing to submit", options.scenario));
  }
  plan.points = points;
  plan.chunk = options.chunk != 0
                   ? options.chunk
                   : std::max<size_t>(1, (points + kMaxArrayTasks - 1) / kMaxArrayTasks);
  plan.tasks = (points + plan.chunk - 1) / plan.chunk;
  if (plan.tasks > kMaxArrayTasks) {
    throw ConfigError(fmt::format(
        "--chunk {}: {} points make {} array tasks, above Slurm's default limit of {} (choose "
        "--chunk {} or more)",
        plan.chunk, points, plan.tasks, kMaxArrayTasks,
        (points + kMaxArrayTasks - 1) / kMaxArrayTasks));
  }
  plan.max_running = options.max_running;
  plan.jobs = std::max<size_t>(1, options.jobs);
  plan.partition = options.partition;
  plan.time_limit = options.time_limit;
  return plan;
}

/// The job id in `sbatch --parsable` output ("17" or "17;cluster").
std::string parse_job_id(const std::string& out) {
  const std::string first = out.substr(0, out.find_first_of(";\n"));
  if (first.empty() || first.find_first_not_of("0123456789") != std::string::npos) {
    throw std::runtime_error(fmt::format("sbatch printed no job id: \"{}\"", out));
  }
  return first;
}

}  // namespace

std::string format_sbatch_script(const SlurmArrayPlan& plan) {
  std::string s = "#!/bin/bash\n";
  s += fmt::format(
      "# Written by moesim sweep submit: array task i runs shard i/{} of the sweep's {} points "
      "(up to {} each)\n# into the sweep folder. Points with a result are skipped, so `sbatch` "
      "on this file again\n# resumes the sweep.\n",
      plan.tasks, plan.points, plan.chunk);
  s += fmt::format("#SBATCH --job-name={}\n", plan.job_name);
  s += fmt::format("#SBATCH --array=0-{}{}\n", plan.tasks - 1,
                   plan.max_running != 0 ? fmt::format("%{}", plan.max_running) : "");
  s += "#SBATCH --ntasks=1\n";
  s += fmt::format("#SBATCH --cpus-per-task={}\n", plan.jobs);
  s += fmt::format("#SBATCH --output={}/slurm/task-%A_%a.out\n", plan.sweep_dir);
  if (!plan.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", plan.partition);
  if (!plan.time_limit.empty()) s += fmt::format("#SBATCH --time={}\n", plan.time_limit);
  s += fmt::format("exec {} sweep run {} --out {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" -j {}\n",
                   shell_quoted(plan.moesim), shell_quoted(plan.scenario),
                   shell_quoted(plan.sweep_dir), plan.tasks, plan.jobs);
  return s;
}

int submit_sweep_to_slurm(const SlurmSubmitOptions& options) {
  const StrategyCatalog catalog = builtin_strategies();
  const SweepSpec spec = read_sweep_spec(options.scenario);
  const std::vector<SweepPoint> points = expand_sweep(spec, catalog);
  const SlurmArrayPlan plan = plan_array(options, points.size());
  if (options.submit && !on_path("sbatch")) {
    throw std::runtime_error(
        "sbatch not found on the PATH: run this where Slurm's commands are, or write the script "
        "with --no-submit and submit it there");
  }

  const fs::path dir(options.out_dir);
  prepare_sweep_folder(dir);
  write_whole_file(dir / "points.csv", format_points_csv(spec, points));
  fs::create_directories(dir / "slurm");
  const fs::path script = dir / "slurm" / "sweep.sbatch";
  write_whole_file(script, format_sbatch_script(plan));
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);

  const std::string shape =
      fmt::format("{} points in {} array tasks of up to {}", plan.points, plan.tasks, plan.chunk);
  if (!options.submit) {
    std::cout << fmt::format("wrote {} ({}); submit it with: sbatch {}\n", script.string(), shape,
                             script.string());
    return 0;
  }
  const ExternalResult result = run_external({"sbatch", "--parsable", script.string()});
  if (result.exit_code != 0) {
    throw std::runtime_error(fmt::format("sbatch refused {} (exit {}): {}", script.string(),
                                         result.exit_code, result.err));
  }
  const std::string job = parse_job_id(result.out);
  {
    std::ofstream jobs(dir / "slurm" / "jobs", std::ios::app);
    jobs << job << ' ' << plan.tasks << '\n';
    if (!jobs) {
      throw std::runtime_error(fmt::format(
          "submitted Slurm job {}, but {}/slurm/jobs cannot be written (sweep status will not "
          "know the job); do not resubmit while it runs",
          job, dir.string()));
    }
  }
  std::cout << fmt::format(
      "submitted Slurm job {}: {}\n  progress: moesim sweep status {}\n  results:  moesim sweep "
      "collect {} (once every point is done)\n",
      job, shape, dir.string(), dir.string());
  return 0;
}

}  // namespace moesim
