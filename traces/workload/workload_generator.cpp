#include "traces/workload/workload_generator.h"

#include "sim/config_error.h"

namespace moesim {

std::vector<WorkloadRequest> generate_lengths(uint64_t count, const LengthSpec& input,
                                              const LengthSpec& output, RngStreams& streams) {
  RngStream& input_rng = streams.stream("workload.input");
  RngStream& output_rng = streams.stream("workload.output");
  std::vector<WorkloadRequest> requests(count);
  for (uint64_t i = 0; i < count; ++i) {
    requests[i].id = i;
    requests[i].input_tokens = sample_length(input, input_rng);
    requests[i].output_tokens = sample_length(output, output_rng);
  }
  return requests;
}

std::vector<WorkloadRequest> generate_workload(const WorkloadSpec& spec, RngStreams& streams) {
  if (spec.requests == 0) throw ConfigError("requests: expected at least 1 request");
  const auto times =
      generate_arrival_times(spec.arrival, spec.requests, streams.stream("workload.arrival"));
  std::vector<WorkloadRequest> requests =
      generate_lengths(times.size(), spec.input, spec.output, streams);
  for (uint64_t i = 0; i < times.size(); ++i) requests[i].arrival_s = times[i];
  return requests;
}

}  // namespace moesim
