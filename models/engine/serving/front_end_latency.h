#pragma once
/// A request's time in the serving front end, outside the engine's iteration loop: HTTP,
/// tokenisation and the hand-off to the engine on the way in, the first token's way back lumped
/// in. vLLM's V1 engine runs this work in an API-server process apart from the engine's loop,
/// so it delays the request's first token without stalling the batch in flight.
///   latency = request_us + per_prompt_token_us x prompt tokens (microseconds)
/// The per-token part is the share that grows with the prompt (parsing, tokenisation, the copy
/// to the engine); its fitted size is larger than tokenisation alone (docs/validation.md).

#include <cstdint>

namespace moesim {

struct FrontEndLatency {
  double request_us = 0;           ///< per request
  double per_prompt_token_us = 0;  ///< per token of the request's prompt

  double us(uint32_t prompt_tokens) const {
    return request_us + per_prompt_token_us * prompt_tokens;
  }
  bool none() const { return request_us == 0 && per_prompt_token_us == 0; }
};

}  // namespace moesim
