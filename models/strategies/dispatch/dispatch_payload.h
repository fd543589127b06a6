#pragma once
/// The payload a dispatch strategy moves: bytes of one token to its experts and of one result
/// back, from the dtypes the scenario names (parameters dispatch_dtype and combine_dtype).

#include <string>
#include <vector>

#include "models/strategies/dispatch/dispatch_strategy.h"

namespace moesim {

struct PayloadParams {
  double dispatch_bytes = 0;  ///< one token's payload to the experts
  double combine_bytes = 0;   ///< one token's partial result back
  PayloadDtypes dtypes;
};

/// Bytes per hidden element of a payload dtype: bf16 2; fp8 1 plus one fp32 scale per 128
/// elements (DeepSeek-V3's block-wise activation quantisation, as DeepEP sends it). Throws
/// std::invalid_argument for another name.
double payload_bytes_per_element(const std::string& dtype);

/// The payload parameters every dispatch strategy declares: dispatch_dtype, combine_dtype.
std::vector<ParamSpec> payload_param_specs(const std::string& dispatch_default);
PayloadParams payload_params(const DispatchContext& context, const Params& params);

/// The load-time check of a strategy that sends each token to the one rank of each expert:
/// refuses a layout with MoE tensor parallelism (each expert split over several GPUs), naming
/// the strategies that take it.
void check_whole_experts(Params& params, const ParamCheckContext& context);

}  // namespace moesim
