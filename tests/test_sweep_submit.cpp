// `moesim sweep submit --slurm` and `moesim sweep status`: the batch script, its submission
// through sbatch (here a stand-in sbatch on the PATH; tests/slurm/sweep_submit_test.sh runs a
// real cluster) and the state of a sweep folder.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "cli/app/slurm_submission.h"
#include "cli/app/sweep_status.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

const std::string kSweep16 = source_path("tests/slurm/sweep16.yaml").string();

/// PATH with `dir` in front for the life of the object (run_cli's children inherit it).
class PathPrefix {
 public:
  explicit PathPrefix(const fs::path& dir) : saved_(std::getenv("PATH")) {
    setenv("PATH", (dir.string() + ":" + saved_).c_str(), 1);
  }
  ~PathPrefix() { setenv("PATH", saved_.c_str(), 1); }
  PathPrefix(const PathPrefix&) = delete;
  PathPrefix& operator=(const PathPrefix&) = delete;

 private:
  std::string saved_;
};

/// An executable shell script `dir/name` with `body`.
void write_tool(const fs::path& dir, const std::string& name, const std::string& body) {
  fs::create_directories(dir);
  write_text(dir / name, "#!/bin/sh\n" + body);
  fs::permissions(dir / name, fs::perms::owner_all, fs::perm_options::add);
}

}  // namespace

TEST_CASE("sweep submit --no-submit writes an array script of shards", "[sweep][slurm]") {
  TempDir dir("submit-script");
  const fs::path out = dir / "sweep";
  const auto r =
      run_cli({"sweep", "submit", kSweep16, "--out", out.string(), "--slurm", "--chunk", "3",
               "--max-running", "2", "--partition", "batch", "--time", "30:00", "--no-submit"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("16 points in 6 array tasks of up to 3"));
  const std::string script = read_text(out / "slurm" / "sweep.sbatch");
  CHECK_THAT(script, StartsWith("#!/bin/bash\n"));
  CHECK_THAT(script, Contains("#SBATCH --array=0-5%2\n"));
  CHECK_THAT(script, Contains("#SBATCH --partition=batch\n"));
  CHECK_THAT(script, Contains("#SBATCH --time=30:00\n"));
  CHECK_THAT(script, Contains("#SBATCH --cpus-per-task=1\n"));
  CHECK_THAT(script, Contains("#SBATCH --output=" + fs::absolute(out).string() +
                              "/slurm/task-%A_%a.out\n"));
  CHECK_THAT(script, Contains("sweep run '" + kSweep16 + "' --out '" + fs::absolute(out).string() +
                              "' --shard \"${SLURM_ARRAY_TASK_ID}/6\" -j 1\n"));
  CHECK(fs::exists(out / ".moesim-sweep"));
  CHECK(read_text(out / "points.csv").rfind("id,strategies.placement,", 0) == 0);
  CHECK_FALSE(fs::exists(out / "slurm" / "jobs"));
  // Without --chunk, one task per point up to Slurm's 1000-task array limit.
  const auto every = run_cli(
      {"sweep", "submit", kSweep16, "--out", (dir / "every").string(), "--slurm", "--no-submit"});
  REQUIRE(every.exit_code == 0);
  CHECK_THAT(read_text(dir / "every" / "slurm" / "sweep.sbatch"), Contains("--array=0-15\n"));
}

TEST_CASE("the script single-quotes the paths of its shell line", "[sweep][slurm]") {
  moesim::SlurmArrayPlan plan;
  plan.job_name = "moesim-x";
  plan.moesim = "/opt/moe sim/moesim";
  plan.scenario = "/home/a/it's.yaml";
  plan.sweep_dir = "/scratch/s";
  plan.points = 4;
  plan.tasks = 2;
  plan.chunk = 2;
  const std::string script = moesim::format_sbatch_script(plan);
  CHECK_THAT(script, Contains("exec '/opt/moe sim/moesim' sweep run '/home/a/it'\\''s.yaml' "));
  CHECK_THAT(script, Contains("#SBATCH --array=0-1\n"));
  CHECK_THAT(script, !Contains("--partition"));
}

TEST_CASE("sweep submit refuses what sbatch lines cannot hold, naming the option",
          "[sweep][slurm]") {
  TempDir dir("submit-bad");
  const auto spaced = run_cli(
      {"sweep", "submit", kSweep16, "--out", (dir / "a b").string(), "--slurm", "--no-submit"});
  CHECK(spaced.exit_code == 2);
  CHECK_THAT(spaced.err, Contains("--out") && Contains("letters, digits"));
  CHECK_FALSE(fs::exists(dir / "a b"));
  const auto partition = run_cli({"sweep", "submit", kSweep16, "--out", (dir / "p").string(),
                                  "--slurm", "--partition", "a;b", "--no-submit"});
  CHECK(partition.exit_code == 2);
  CHECK_THAT(partition.err, Contains("--partition a;b"));
  const auto time = run_cli({"sweep", "submit", kSweep16, "--out", (dir / "t").string(), "--slurm",
                             "--time", "1 h", "--no-submit"});
  CHECK(time.exit_code == 2);
  CHECK_THAT(time.err, Contains("--time 1 h"));
  const auto no_scheduler =
      run_cli({"sweep", "submit", kSweep16, "--out", (dir / "n").string(), "--no-submit"});
  CHECK(no_scheduler.exit_code == 2);
  CHECK_THAT(no_scheduler.err, Contains("--slurm"));
  const auto chunk = run_cli({"sweep", "submit", kSweep16, "--out", (dir / "c").string(), "--slurm",
                              "--chunk", "0", "--no-submit"});
  CHECK(chunk.exit_code == 2);
  // A sweep spec error is the one `sweep run` gives, naming the axis.
  write_text(dir / "bad.yaml", read_text(kSweep16) + "    workload.bogus: [1, 2]\n");
  const auto axis = run_cli({"sweep", "submit", (dir / "bad.yaml").string(), "--out",
                             (dir / "x").string(), "--slurm", "--no-submit"});
  CHECK(axis.exit_code == 2);
  CHECK_THAT(axis.err, Contains("sweep axis workload.bogus"));
  CHECK_FALSE(fs::exists(dir / "x"));
}

TEST_CASE("sweep submit hands the script to sbatch and records the job", "[sweep][slurm]") {
  TempDir dir("submit-fake");
  const fs::path tools = dir / "bin";
  write_tool(tools, "sbatch",
             "echo \"$@\" > " + (dir / "sbatch.args").string() + "\necho '4242;cluster'\n");
  write_tool(tools, "squeue",
             "echo '4242_0 COMPLETED'\necho '4242_1 RUNNING'\necho '4242_[2-5%2] PENDING'\n");
  const PathPrefix path(tools);
  const fs::path out = dir / "sweep";
  const auto r = run_cli({"sweep", "submit", kSweep16, "--out", out.string(), "--slurm", "--chunk",
                          "3", "--max-running", "2"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("submitted Slurm job 4242") && Contains("moesim sweep status"));
  CHECK(read_text(dir / "sbatch.args") ==
        "--parsable " + (out / "slurm" / "sweep.sbatch").string() + "\n");
  CHECK(read_text(out / "slurm" / "jobs") == "4242 6\n");

  const auto status = run_cli({"sweep", "status", out.string()});
  REQUIRE(status.exit_code == 0);
  CHECK_THAT(status.out, Contains("16 points, 0 done, 0 started without a result yet, 16 not "
                                  "started"));
  CHECK_THAT(status.out, Contains("slurm job 4242: 1 COMPLETED, 4 PENDING, 1 RUNNING"));
}

TEST_CASE("sweep submit exits 1 when sbatch refuses or is missing", "[sweep][slurm]") {
  TempDir dir("submit-refused");
  const fs::path tools = dir / "bin";
  write_tool(tools, "sbatch", "echo 'sbatch: error: invalid partition' >&2\nexit 1\n");
  {
    const PathPrefix path(tools);
    const auto refused =
        run_cli({"sweep", "submit", kSweep16, "--out", (dir / "s").string(), "--slurm"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("sbatch refused") && Contains("invalid partition"));
    CHECK_FALSE(fs::exists(dir / "s" / "slurm" / "jobs"));
  }
  const std::string saved = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);
  const auto missing =
      run_cli({"sweep", "submit", kSweep16, "--out", (dir / "m").string(), "--slurm"});
  setenv("PATH", saved.c_str(), 1);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Contains("sbatch not found") && Contains("--no-submit"));
  CHECK_FALSE(fs::exists(dir / "m"));
}

TEST_CASE("squeue lines count array tasks per state", "[sweep][slurm]") {
  const auto states = moesim::count_array_task_states(
      "17_3 RUNNING\n17_[4-7,9%2] PENDING\n17_0 COMPLETED\n17_1 COMPLETED\nnoise\n");
  CHECK(states.at("RUNNING") == 1);
  CHECK(states.at("PENDING") == 5);
  CHECK(states.at("COMPLETED") == 2);
  CHECK(states.size() == 3);
}

TEST_CASE("sweep status counts the points of a local sweep", "[sweep][slurm]") {
  TempDir dir("status-local");
  const fs::path out = dir / "sweep";
  REQUIRE(run_cli({"sweep", "run", kSweep16, "--out", out.string(), "--shard", "1/4"}).exit_code ==
          0);
  // Point 0 is not in shard 1/4: a log without a result is a point running or failed.
  const std::string csv = read_text(out / "points.csv");
  const std::string first = csv.substr(csv.find('\n') + 1, 12);
  write_text(out / "points" / (first + ".log"), "");
  const auto status = run_cli({"sweep", "status", out.string()});
  REQUIRE(status.exit_code == 0);
  CHECK_THAT(status.out, Contains("16 points, 4 done, 1 started without a result yet, 11 not "
                                  "started"));
  CHECK_THAT(status.out, Contains(first + ": running, or failed"));
  CHECK_THAT(status.out, !Contains("slurm job"));
  const auto not_sweep = run_cli({"sweep", "status", dir.path().string()});
  CHECK(not_sweep.exit_code == 2);
  CHECK_THAT(not_sweep.err, Contains("not a moesim sweep folder"));
}

TEST_CASE("sweep submit refuses a sweep of no points and an array above Slurm's limit",
          "[sweep][slurm]") {
  TempDir dir("submit-limits");
  const std::string base = read_text(kSweep16);
  write_text(dir / "none.yaml", base +
                                    "  exclude:\n    - {strategies.placement: contiguous}\n"
                                    "    - {strategies.placement: round_robin}\n");
  const auto none = run_cli({"sweep", "submit", (dir / "none.yaml").string(), "--out",
                             (dir / "a").string(), "--slurm", "--no-submit"});
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Contains("every point is excluded"));
  CHECK_FALSE(fs::exists(dir / "a"));
  // 2 x 2 x 251 = 1004 points, one per task: 1004 tasks.
  std::string wide = base;
  wide.replace(wide.find("\"range(16, 64, 16)\""), 19, "\"range(4, 1004, 4)\"");
  write_text(dir / "wide.yaml", wide);
  const auto tasks = run_cli({"sweep", "submit", (dir / "wide.yaml").string(), "--out",
                              (dir / "b").string(), "--slurm", "--chunk", "1", "--no-submit"});
  CHECK(tasks.exit_code == 2);
  CHECK_THAT(tasks.err, Contains("--chunk 1: 1004 points make 1004 array tasks") &&
                            Contains("--chunk 2 or more"));
}
