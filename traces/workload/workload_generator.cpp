#include "traces/workload/workload_generator.h"

#include "sim/config_error.h"

namespace moesim {

std::vector<WorkloadRequest> generate_workload(const WorkloadSpec& spec, RngStreams& streams) {
  if (spec.requests == 0) throw ConfigError("requests: expected at least 1 request");
  const auto times =
      generate_arrival_times(spec.arrival, spec.requests, streams.stream("workload.arrival"));
  RngStream& input = streams.stream("workload.input");
  RngStream& output = streams.stream("workload.output");
  std::vector<WorkloadRequest> requests;
  requests.reserve(times.size());
  for (uint64_t i = 0; i < times.size(); ++i) {
    WorkloadRequest r;
    r.id = i;
    r.arrival_s = times[i];
    r.input_tokens = sample_length(spec.input, input);
    r.output_tokens = sample_length(spec.output, output);
    requests.push_back(r);
  }
  return requests;
}

}  // namespace moesim
