#pragma once
/// A closed-loop workload, as `vllm bench serve --max-concurrency C` and genai-perf's
/// concurrency mode drive a server: C clients each send a request at time 0, and a client sends
/// its next request the instant its previous one has its last token, until `requests` have been
/// sent in all. Only the lengths are drawn up front (generate_lengths); the send times come
/// from the simulation.

#include <cstdint>

#include "traces/workload/length_spec.h"

namespace moesim {

/// How the clients of a closed loop start.
enum class ClientRamp {
  /// All C send their first request at time 0, as `vllm bench serve` and genai-perf do.
  kAtOnce,
  /// One client at time 0, and one more each time a request has its first token, until C have
  /// started: the clients' requests are spread over time as in a loop that has run for a while.
  /// With fixed lengths a loop started at once stays in lockstep (requests prefilled together
  /// finish together and return together); measured runs do not show it.
  kFirstToken,
};

struct ClosedLoopSpec {
  uint32_t concurrency = 1;  ///< clients, >= 1; above `requests`, every request is sent at 0
  uint64_t requests = 1;     ///< requests sent in all, >= 1
  LengthSpec input;          ///< prompt lengths (tokens)
  LengthSpec output;         ///< generated lengths (tokens)
  ClientRamp ramp = ClientRamp::kAtOnce;
  /// Requests the clients let reach the server at once, 0 for no limit: an HTTP connection
  /// pool (aiohttp's ClientSession holds at most 100 connections unless told otherwise). A
  /// request sent while every connection is busy waits in the client for one, in the order
  /// sent, and that wait counts in its TTFT, as the clients time it from the send.
  uint32_t connection_limit = 0;
};

}  // namespace moesim
