// The user calibration workflow of docs/validation.md ("Calibrating your own cluster") end to
// end through the `moesim` executable, on tables that are not shipped: a machine in a system
// file, a table measured on it (here made by the simulator under known constants), calibrate,
// paste the constants into the system file, validate. Bad input exits 2 with one line naming
// the file and line or the option.

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/validation/comm_workflow.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"

using Catch::Matchers::Contains;
using moesim::CommCalibration;
using moesim::CommProtocol;
using moesim::Time;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

/// A user's machine, described in a system file (the keys of a systems.yaml entry).
constexpr const char* kClusterFile =
    "description: \"our 8x H100 node\"\n"
    "builder: hgx\n"
    "gpu: H100-SXM\n"
    "gpus: 8\n"
    "nic_link: infiniband_ndr\n"
    "cpu_interconnect: upi_sapphire_rapids\n"
    "switch_reduction: true\n";

constexpr const char* kHeader =
    "framework,version,device,op_name,kernel_source,nccl_dtype,num_gpus,message_size,latency\n";

/// The constants the synthetic table is made with, and must come back from calibrate.
CommCalibration truth() {
  CommCalibration c;
  c.protocols = {CommProtocol{"ll", Time::us(6), Time::ns(400), 0.25, false},
                 CommProtocol{"simple", Time::us(18), Time::ns(200), 0.6, true}};
  c.switch_reduce_efficiency = 0.45;
  return c;
}

/// An nccl-tests table as the machine would measure it under `truth()`: every collective on 2,
/// 4 and 8 GPUs from 256 B to 512 MiB, int8 (fit) and half (check) rows. message_size counts
/// elements and latency is in ms, as nccl-tests and the shipped tables have them.
std::string synthetic_table(const fs::path& system_file) {
  const auto catalogue =
      moesim::load_hardware_catalogue(moesim::test::source_path("topologies/catalogue"));
  const moesim::SystemConfig config = moesim::load_system_file(system_file, catalogue);
  const moesim::BuiltSystem system = moesim::build_system(config, catalogue);
  std::string text = kHeader;
  for (const auto op : {moesim::Collective::kAllGather, moesim::Collective::kReduceScatter,
                        moesim::Collective::kAllReduce, moesim::Collective::kAllToAll}) {
    for (const uint32_t ranks : {2u, 4u, 8u}) {
      for (double bytes = 256; bytes <= 512.0 * 1024 * 1024; bytes *= 8) {
        const double us =
            moesim::simulate_collective(config, system, op, ranks, bytes, truth()).microseconds();
        for (const auto& [dtype, size] : {std::pair{"int8", 1.0}, std::pair{"half", 2.0}}) {
          text += fmt::format("NCCL,2.29.2,ours,{},NCCL,{},{},{},{:.9g}\n", to_string(op), dtype,
                              ranks, bytes / size, us / 1e3);
        }
      }
    }
  }
  return text;
}

size_t lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("calibrate and validate a user's table on a user's machine through the CLI",
          "[comm_workflow]") {
  TempDir dir("comm-workflow");
  const fs::path cluster = dir / "our_cluster.yaml", table = dir / "nccl_perf.csv";
  write_text(cluster, kClusterFile);
  write_text(table, synthetic_table(cluster));

  const fs::path fitted = dir / "fitted.yaml";
  const auto calibrate = run_cli({"calibrate", "--suite", "comm", "--table", table.string(),
                                  "--system", cluster.string(), "--out", fitted.string()});
  INFO(calibrate.err);
  REQUIRE(calibrate.exit_code == 0);
  const std::string snippet = read_text(fitted);
  CHECK_THAT(calibrate.out, Contains(snippet) && Contains("wrote " + fitted.string()));
  CHECK_THAT(snippet, Contains("'our_cluster'") && Contains("\ncomm:\n  protocols:\n") &&
                          Contains("fitted_on: \"int8 rows of "));

  // The workflow's paste: the comm: block at the top level of the system file.
  write_text(cluster, std::string(kClusterFile) + snippet);
  const auto catalogue =
      moesim::load_hardware_catalogue(moesim::test::source_path("topologies/catalogue"));
  const moesim::SystemConfig loaded = moesim::load_system_file(cluster, catalogue);
  // An exact model fits exactly; the file keeps 2 decimals of microseconds and 3 of
  // efficiencies, so the constants come back within 0.01 us and 0.002.
  REQUIRE(loaded.comm.protocols.size() == 2);
  for (const CommProtocol& want : truth().protocols) {
    INFO(want.name);
    const auto got = std::find_if(loaded.comm.protocols.begin(), loaded.comm.protocols.end(),
                                  [&](const CommProtocol& p) { return p.name == want.name; });
    REQUIRE(got != loaded.comm.protocols.end());
    CHECK(std::fabs(got->base_latency.microseconds() - want.base_latency.microseconds()) <= 0.01);
    CHECK(std::fabs(got->step_latency.microseconds() - want.step_latency.microseconds()) <= 0.01);
    CHECK(std::fabs(got->bandwidth_efficiency - want.bandwidth_efficiency) <= 0.002);
    CHECK(got->switch_reduce == want.switch_reduce);
  }
  CHECK(std::fabs(loaded.comm.switch_reduce_efficiency - 0.45) <= 0.002);

  const fs::path out = dir / "validate";
  const auto validate = run_cli({"validate", "--suite", "comm", "--table", table.string(),
                                 "--system", cluster.string(), "--out", out.string()});
  INFO(validate.err);
  REQUIRE(validate.exit_code == 0);
  CHECK_THAT(validate.out, Contains("nccl_perf.csv") && Contains("goals met: 2 of 2"));
  std::istringstream csv(read_text(out / "validation.csv"));
  std::string line;
  std::getline(csv, line);
  CHECK(line == "suite,target,metric,measured,simulated,rel_error,threshold,pass");
  size_t rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    INFO(line);
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    REQUIRE(cells.size() == 8);
    CHECK(cells[0] == "comm");
    CHECK(cells[1].rfind("our_cluster/", 0) == 0);
    CHECK(cells[2] == "latency_us");
    // The rounded constants move a time by at most 0.5% (0.005 us of 6, 0.0005 of 0.25).
    CHECK(std::fabs(std::stod(cells[5])) <= 0.01);
  }
  CHECK(rows == 4 * 3 * 8);  // every half row is a check row

  // The machine may name its table itself, relative to the system file: no --table then.
  write_text(cluster, read_text(cluster) + "measured:\n  comm: nccl_perf.csv\n");
  const auto own =
      run_cli({"validate", "--suite", "comm", "--system", cluster.string(), "--out", out.string()});
  INFO(own.err);
  CHECK(own.exit_code == 0);
  CHECK(read_text(out / "validation.csv").size() > 1000);
}

TEST_CASE("calibrate --out replaces only a file it wrote", "[comm_workflow]") {
  TempDir dir("comm-workflow-out");
  const fs::path cluster = dir / "our_cluster.yaml", table = dir / "nccl_perf.csv";
  write_text(cluster, kClusterFile);
  write_text(table, synthetic_table(cluster));
  const auto calibrate_to = [&](const fs::path& out) {
    return run_cli({"calibrate", "--suite", "comm", "--table", table.string(), "--system",
                    cluster.string(), "--out", out.string()});
  };
  // The user's own file (here the system file) is kept as it is.
  const auto refused = calibrate_to(cluster);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Contains(cluster.string() + ": exists and is not a file moesim wrote"));
  CHECK(lines(refused.err) == 1);
  CHECK(read_text(cluster) == kClusterFile);
  // A folder or a link is refused too; a file it wrote is replaced.
  fs::create_directory(dir / "folder");
  CHECK(calibrate_to(dir / "folder").exit_code == 2);
  fs::create_symlink(table, dir / "link.yaml");
  CHECK(calibrate_to(dir / "link.yaml").exit_code == 2);
  CHECK(read_text(table).rfind(kHeader, 0) == 0);
  REQUIRE(calibrate_to(dir / "fitted.yaml").exit_code == 0);
  CHECK(calibrate_to(dir / "fitted.yaml").exit_code == 0);
  CHECK(read_text(dir / "fitted.yaml").rfind(moesim::kCommCalibrationMarker, 0) == 0);
}

TEST_CASE("bad calibration input exits 2 with one line naming the file and line or option",
          "[comm_workflow]") {
  TempDir dir("comm-workflow-bad");
  const fs::path cluster = dir / "our_cluster.yaml";
  write_text(cluster, kClusterFile);
  const auto error_of = [&](const std::string& command, const std::vector<std::string>& args) {
    std::vector<std::string> all{command, "--suite", "comm"};
    all.insert(all.end(), args.begin(), args.end());
    // validate writes nothing on error; --out keeps even its staging out of the working folder
    if (command == "validate") all.insert(all.end(), {"--out", (dir / "v").string()});
    const auto r = run_cli(all);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    return r.err;
  };
  const std::string missing = (dir / "missing.csv").string();
  for (const std::string command : {"calibrate", "validate"}) {
    INFO(command);
    CHECK_THAT(error_of(command, {"--table", missing, "--system", cluster.string()}),
               Contains(missing + ": cannot open file"));
    write_text(dir / "columns.csv", "op_name,num_gpus,message_size,time\nall_gather,8,256,0.01\n");
    CHECK_THAT(error_of(command,
                        {"--table", (dir / "columns.csv").string(), "--system", cluster.string()}),
               Contains("columns.csv:1: missing column"));
    CHECK_THAT(error_of(command, {"--table", missing, "--system", "no_such_system"}),
               Contains("--system: unknown system 'no_such_system'") && Contains("h100_hgx"));
    write_text(dir / "wide.csv",
               std::string(kHeader) + "NCCL,2.29.2,ours,all_gather,NCCL,int8,16,256,0.01\n");
    CHECK_THAT(
        error_of(command, {"--table", (dir / "wide.csv").string(), "--system", cluster.string()}),
        Contains("wide.csv:2: num_gpus: expected a whole number from 2 to 8"));
    CHECK_THAT(error_of(command, {"--table", missing}), Contains("--table: name the machine"));
    write_text(dir / "bad_system.yaml", "builder: hgx\ngpu: H100-SXM\ngpus: 8\ncolour: blue\n");
    CHECK_THAT(error_of(command, {"--system", (dir / "bad_system.yaml").string()}),
               Contains("bad_system.yaml:4") && Contains("colour"));
  }
  // Calibrate needs int8 (fit) rows; validate needs half (check) rows.
  write_text(dir / "half.csv",
             std::string(kHeader) + "NCCL,2.29.2,ours,all_gather,NCCL,half,8,256,0.01\n");
  CHECK_THAT(
      error_of("calibrate", {"--table", (dir / "half.csv").string(), "--system", cluster.string()}),
      Contains("half.csv: no fit rows (nccl_dtype int8)"));
  write_text(dir / "int8.csv",
             std::string(kHeader) + "NCCL,2.29.2,ours,all_gather,NCCL,int8,8,256,0.01\n");
  CHECK_THAT(
      error_of("validate", {"--table", (dir / "int8.csv").string(), "--system", cluster.string()}),
      Contains("int8.csv: no check rows (nccl_dtype half)"));
  CHECK_FALSE(fs::exists(dir / "v"));
  CHECK_THAT(error_of("validate", {"--system", cluster.string()}),
             Contains("the machine names no measured table"));
  const auto kernels = run_cli(
      {"validate", "--suite", "kernels", "--system", "h100_hgx", "--out", (dir / "k").string()});
  CHECK(kernels.exit_code == 2);
  CHECK_THAT(kernels.err, Contains("--suite kernels: --system applies to --suite comm only"));
  const auto ep_table =
      run_cli({"validate", "--suite", "ep", "--table", "t.csv", "--out", (dir / "e").string()});
  CHECK(ep_table.exit_code == 2);
  CHECK_THAT(ep_table.err,
             Contains("--suite ep: --table applies to --suite comm and silicon only"));
}
