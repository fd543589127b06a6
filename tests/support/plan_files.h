#pragma once
/// A small plan scenario shared by the `moesim plan` tests (test_plan.cpp, test_plan_slo.cpp).

#include <string>

#include "support/scenario_files.h"

namespace moesim::test {

/// OLMoE-1B-7B on one HGX H100 node at TP8, with 40 requests of 100 input and 50 output tokens
/// arriving within 39 ms: 51,282 output tokens/s offered. At max_num_seqs 1 one sequence
/// decodes per step, and the bound (about 11,500 tokens/s: the active weights read per token)
/// is below that, so the candidate must be pruned; at 64 the bound is far above it.
extern const char* const kTinyPlan;

/// Writes the request file (40 requests of 100 input and 50 output tokens, 1 ms apart) and
/// `scenario` into `dir`; returns the scenario's path.
std::string write_plan(const TempDir& dir, const std::string& scenario);

}  // namespace moesim::test
