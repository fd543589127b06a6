#pragma once
/// A request's time in the serving front end, outside the engine's iteration loop: HTTP,
/// tokenisation and the hand-off to the engine on the way in, the first token's way back lumped
/// in. vLLM's V1 engine runs this work in an API-server process apart from the engine's loop,
/// so it delays the request's first token without stalling the batch in flight.
///   latency = request_us + per_prompt_token_us x prompt tokens
///             + per_in_flight_us x other requests in flight when it leaves the client
///             (microseconds; a request waiting for a closed loop's connection is not in flight)
/// The per-token part is the share that grows with the prompt (parsing, tokenisation, the copy
/// to the engine); its fitted size is larger than tokenisation alone (docs/validation.md).
/// The in-flight part is the front end's load: one process streams every running request's
/// tokens back, so a new request waits longer the more requests it serves (vLLM's API server
/// is one process by default; vllm-project/vllm issue #12705 names it a bottleneck).

#include <cstdint>

namespace moesim {

struct FrontEndLatency {
  double request_us = 0;           ///< per request
  double per_prompt_token_us = 0;  ///< per token of the request's prompt
  double per_in_flight_us = 0;     ///< per other request past the client, not finished

  double us(uint32_t prompt_tokens, uint64_t others_in_flight = 0) const {
    return request_us + per_prompt_token_us * prompt_tokens +
           per_in_flight_us * static_cast<double>(others_in_flight);
  }
  bool none() const { return request_us == 0 && per_prompt_token_us == 0 && per_in_flight_us == 0; }
};

}  // namespace moesim
