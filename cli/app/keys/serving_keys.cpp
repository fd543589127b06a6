// The `workload:` block (cli/app/scenario_loader.cpp, cli/app/serving_workload_loader.cpp) and
// the `serving:` block (cli/app/serving_loader.cpp, cli/app/host_offload_loader.cpp).
// docs/serving.md explains the serving keys at length.

#include "cli/app/keys/key_blocks.h"

namespace moesim::key_blocks {

using K = KeyType;

namespace {

/// The keys of one closed-loop length, `input_tokens` or `output_tokens`.
std::vector<ScenarioKey> length_keys(const std::string& name, const std::string& what) {
  const std::string path = "workload.closed_loop." + name;
  return {
      key::value(path, K::kLength, "required",
                 "Closed loop: " + what +
                     " of each request, a whole number >= 1 or a distribution drawn as "
                     "`moesim workload generate` draws it.",
                 "tokens"),
      key::list(path + ".uniform", "2 whole numbers", "none",
                "[LOW, HIGH]: lengths drawn uniformly, both ends included, LOW <= HIGH."),
      key::block(path + ".lognormal",
                 "Lengths drawn from a lognormal of this mean and standard "
                 "deviation, rounded, at least 1."),
      key::value(path + ".lognormal.mean", K::kNumber, "required",
                 "Mean of the drawn lengths, >= 1.", "tokens"),
      key::value(path + ".lognormal.std", K::kNumber, "required",
                 "Standard deviation of the drawn lengths, >= 0.", "tokens"),
  };
}

std::vector<ScenarioKey> serving_host_keys() {
  return {
      key::choice("serving.weights", {"gpu", "host"}, "gpu",
                  "Where the weights live: on every GPU, or in host memory streamed layer by "
                  "layer into a two-layer GPU buffer (roofline cost model, one GPU)."),
      key::block("serving.host",
                 "weights: host only: the host that holds the weights and KV "
                 "cache.",
                 "required with weights: host"),
      key::value("serving.host.cpu", K::kString, "required",
                 "A CPU of cpus.yaml, per socket: its memory bandwidth and vector FLOP/s time "
                 "decode attention."),
      key::value("serving.host.sockets", K::kWholeNumber, "1",
                 "Sockets whose bandwidth and FLOP/s serve decode attention together, 1 to 64.",
                 "sockets"),
      key::value("serving.host.kv_cache", K::kBytes, "required",
                 "Host memory given to the KV cache; its blocks replace the GPU's."),
      key::block("serving.slo",
                 "Service levels: metrics.json then reports the requests that "
                 "met them and goodput."),
      key::value("serving.slo.ttft", K::kTime, "none",
                 "Longest time to first token a request may take and meet the service levels."),
      key::value("serving.slo.tpot", K::kTime, "none",
                 "Longest mean time per output token a request may take and meet the service "
                 "levels."),
  };
}

}  // namespace

std::vector<ScenarioKey> workload_keys() {
  std::vector<ScenarioKey> keys = {
      key::value("workload.tokens", K::kWholeNumber, "required without serving",
                 "Layer pass: tokens in the batch, 1 to 2^31, split evenly over the GPUs.",
                 "tokens"),
      key::value("workload.requests", K::kPath, "required with serving (or closed_loop)",
                 "Serving: the request file (traces/WORKLOAD.md); not with closed_loop."),
      key::block("workload.closed_loop",
                 "Serving: clients that each keep one request in flight, instead of a request "
                 "file."),
      key::value("workload.closed_loop.concurrency", K::kWholeNumber, "required",
                 "Clients, each keeping one request in flight (--max-concurrency), 1 to 2^20.",
                 "clients"),
      key::value("workload.closed_loop.requests", K::kWholeNumber, "required",
                 "Requests sent in all (--num-prompts), 1 to 2^24.", "requests"),
      key::choice("workload.closed_loop.ramp", {"at_once", "first_token"}, "at_once",
                  "How the clients start: all at time 0 (as vllm bench serve and genai-perf "
                  "do), or one at time 0 and one more each time a request has its first token "
                  "(clients spread as in a loop that has run for a while; fixed lengths started "
                  "at once stay in lockstep)."),
      key::value("workload.closed_loop.connection_limit", K::kWholeNumber, "no limit",
                 "Requests the clients let reach the server at once, 1 to 2^20: an HTTP "
                 "connection pool, such as aiohttp's ClientSession with its default of 100 "
                 "connections. The others wait in the client in the order sent, and the wait "
                 "counts in their TTFT, as benchmark clients time it from the send.",
                 "requests"),
  };
  for (auto& k : length_keys("input_tokens", "prompt length")) keys.push_back(std::move(k));
  for (auto& k : length_keys("output_tokens", "output length")) keys.push_back(std::move(k));
  return keys;
}

std::vector<ScenarioKey> serving_keys() {
  std::vector<ScenarioKey> keys = {
      key::value("serving.max_num_seqs", K::kWholeNumber, "256",
                 "Running requests each data-parallel rank holds at once, 1 to 2^20.", "requests"),
      key::value("serving.max_num_batched_tokens", K::kWholeNumber, "8192",
                 "Tokens per iteration per rank, 1 to 2^24.", "tokens"),
      key::value("serving.block_size", K::kWholeNumber, "16",
                 "Tokens per KV-cache block, 1 to 4096.", "tokens"),
      key::value("serving.gpu_memory_utilization", K::kNumber, "0.9",
                 "Share of each GPU's memory the engine uses, 0.01 to 1."),
      key::choice("serving.kv_cache_dtype", {"bf16", "fp8"}, "bf16",
                  "Dtype of the cached keys and values (vLLM's --kv-cache-dtype)."),
      key::value("serving.data_parallel", K::kWholeNumber, "1",
                 "Data-parallel replicas of the attention layers.", "replicas"),
      key::value("serving.tensor_parallel", K::kWholeNumber, "1",
                 "GPUs per replica sharing each layer; divides the attention heads, and divides "
                 "or is a multiple of the KV heads.",
                 "GPUs"),
      key::value("serving.pipeline_parallel", K::kWholeNumber, "1",
                 "Pipeline stages, each on data_parallel x tensor_parallel GPUs, at most the "
                 "layer count.",
                 "stages"),
      key::value("serving.expert_parallel", K::kBool, "false",
                 "Every GPU of a stage an expert-parallel rank holding whole experts; false: "
                 "every GPU holds a slice of every expert."),
      key::value("serving.moe_expert_parallel", K::kWholeNumber, "none",
                 "Expert-parallel ranks of the MoE layers, dividing a stage's GPUs (TRT-LLM's "
                 "hybrid).",
                 "ranks"),
      key::value("serving.moe_tensor_parallel", K::kWholeNumber, "none",
                 "Slices of every expert, dividing a stage's GPUs; with moe_expert_parallel "
                 "their product is the stage's GPUs.",
                 "slices"),
      key::value("serving.async_scheduling", K::kBool, "false",
                 "Decide each iteration's batch when the previous one starts (vLLM's async "
                 "scheduler); one pipeline stage only."),
      key::strategy("serving.scheduler", "scheduler", "name", "vllm_v1",
                    "Which requests form each iteration's batch on every data-parallel rank."),
      key::strategy("serving.cost_model", "serving_cost", "name", "profiled",
                    "How the time of one serving iteration is computed."),
      key::strategy("serving.moe_cost", "moe_cost", "name", "profiled",
                    "Profiled serving cost model: how one rank's routed-expert block is timed."),
      key::value("serving.framework_overhead", K::kTime, "0 s",
                 "Fixed time added to every engine iteration (roofline and profiled cost "
                 "models; operator_database has its backend's fitted overhead and refuses it)."),
      key::value("serving.two_batch_overlap", K::kBool, "false",
                 "Roofline cost model, one stage: split each batch in two halves whose "
                 "exchanges run beside the other half's compute."),
      key::value("serving.stats_interval", K::kTime, "1 s",
                 "Interval between the rows of timeseries.csv; positive."),
      key::refused("serving.profile",
                   "Refused here: the profile is a parameter of the profiled cost model, "
                   "serving.cost_model: {name: profiled, profile: FOLDER}."),
  };
  for (auto& k : serving_host_keys()) keys.push_back(std::move(k));
  return keys;
}

}  // namespace moesim::key_blocks
