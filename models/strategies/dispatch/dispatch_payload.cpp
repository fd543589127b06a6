#include "models/strategies/dispatch/dispatch_payload.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/engine/serving/parallel_layout.h"
#include "models/moe_layer_shape.h"

namespace moesim {

double payload_bytes_per_element(const std::string& dtype) {
  if (dtype == "bf16") return 2.0;
  if (dtype == "fp8") return 1.0 + 4.0 / 128.0;  // an fp32 scale per 128 elements
  throw std::invalid_argument("unknown payload dtype " + dtype);
}

std::vector<ParamSpec> payload_param_specs(const std::string& dispatch_default) {
  return {param::choice("dispatch_dtype", dispatch_default, {"bf16", "fp8"},
                        "payload of a token sent to its experts; fp8 carries one fp32 scale "
                        "per 128 elements"),
          param::choice("combine_dtype", "bf16", {"bf16", "fp8"},
                        "payload of an expert result sent back")};
}

PayloadParams payload_params(const DispatchContext& context, const Params& params) {
  const double hidden = context.model->hidden_size;
  return {hidden * payload_bytes_per_element(params.text("dispatch_dtype")),
          hidden * payload_bytes_per_element(params.text("combine_dtype")),
          {params.text("dispatch_dtype"), params.text("combine_dtype")}};
}

void check_whole_experts(Params&, const ParamCheckContext& context) {
  if (context.layout != nullptr && context.layout->moe_tensor_parallel() > 1) {
    throw ParamError("", fmt::format("sends each token to one rank per expert, but the layout "
                                     "splits every expert over {} GPUs (moe_tensor_parallel); "
                                     "use allgather_reducescatter",
                                     context.layout->moe_tensor_parallel()));
  }
}

}  // namespace moesim
