#pragma once
/// The entry of each built-in bound (one file each) and the helpers they share.

#include <string>

#include "models/bounds/moe_lens_stage1.h"
#include "models/strategies/bound/bound_family.h"

namespace moesim {

BoundFamily::Entry serving_roofline_bound_entry();
BoundFamily::Entry moe_lens_stage1_bound_entry();
BoundFamily::Entry moe_lens_stage2_bound_entry();
BoundFamily::Entry hierarchical_roofline_bound_entry();
BoundFamily::Entry all_to_all_bound_entry();
BoundFamily::Entry straggler_bound_entry();
BoundFamily::Entry belady_bound_entry();

/// "12.3 tokens/s", "4.56 ms", "1.2 GB/s": figures as the reports print them.
std::string tokens_per_s_text(double value);
std::string seconds_text(double seconds);

/// The GPU's own time for `step` at the hardware limit: compute and HBM, whatever the links.
double gpu_step_seconds(const ServingDeployment& deployment, const BatchShape& step);

/// The GPU's most tokens per second with every weight already on it (MoE-Lens's T_GPU): a
/// large decode step of context-free tokens at the hardware limit (compute, HBM).
double gpu_tokens_per_s(const ServingDeployment& deployment);

/// Why MoE-Lens does not apply to the scenario, or "" when it does.
std::string moe_lens_not_applicable(const BoundContext& c);
/// A MoE-Lens stage's regime, binding resource and throughput (prompt + output tokens/s).
void set_moe_lens_outcome(BoundReport& r, MoeLensRegime regime, double tokens_per_s);
/// Stage 1's inputs from a scenario MoE-Lens applies to, with T_GPU `gpu_tokens`.
MoeLensStage1Inputs moe_lens_stage1_inputs(const BoundContext& c, double gpu_tokens);

}  // namespace moesim
