#include "cli/workload_command.h"

#include <iostream>

#include <fmt/format.h>

#include "sim/rng.h"
#include "traces/workload/sharegpt_import.h"
#include "traces/workload/workload_file.h"
#include "traces/workload/workload_generator.h"

namespace moesim {
namespace {

void print_summary(const std::string& out, const std::vector<WorkloadRequest>& requests) {
  uint64_t input = 0;
  uint64_t output = 0;
  for (const WorkloadRequest& r : requests) {
    input += r.input_tokens;
    output += r.output_tokens;
  }
  std::cout << fmt::format("{}: {} requests over {:.3f} s, {} input and {} output tokens\n", out,
                           requests.size(), requests.back().arrival_s, input, output);
}

}  // namespace

int workload_generate_command(const WorkloadGenerateOptions& options) {
  WorkloadSpec spec;
  spec.arrival.kind = parse_arrival_kind(options.arrival, "--arrival");
  spec.arrival.rate = options.rate;
  spec.arrival.cv = options.cv;
  spec.requests = options.requests;
  spec.input = parse_length_spec(options.input, "--input");
  spec.output = parse_length_spec(options.output, "--output");
  RngStreams streams(options.seed);
  const auto requests = generate_workload(spec, streams);
  write_workload_csv(options.out, requests);
  print_summary(options.out, requests);
  return 0;
}

int workload_import_sharegpt_command(const std::string& in, const std::string& out) {
  const auto requests = import_sharegpt_jsonl(in);
  write_workload_csv(out, requests);
  print_summary(out, requests);
  return 0;
}

}  // namespace moesim
