#pragma once
/// The peak an operator computes at, by the dtype of its inputs (LayerOperator::compute_dtype):
/// the GPU's dense peak for that dtype from the hardware catalogue.

#include <string_view>

#include "topologies/hardware_specs.h"

namespace moesim {

/// `gpu` with peak_flops at `dtype` ("fp32", "bf16", "fp8", "fp4"): the catalogue's figure;
/// for fp4 on a GPU without fp4 tensor cores the bf16 one (MXFP4 and NVFP4 weights are
/// dequantised to bf16, as vLLM's Marlin kernels do on Hopper); otherwise, and whenever the
/// scenario overrode peak_flops (which clears peak_flops_by_dtype), gpu.peak_flops unchanged.
GpuSpec at_compute_dtype(const GpuSpec& gpu, std::string_view dtype);

}  // namespace moesim
