#pragma once
/// What a payload dtype does to values on the wire, for the reference kernels: the exchange of
/// a dispatch strategy sends tokens and expert results in bf16 or fp8, not fp32.

#include <string>

#include "models/reference/kernel_types.h"

namespace moesim::kernels {

/// Nearest bf16 (ties to even): fp32 with the low 16 bits of the mantissa rounded away.
float round_bf16(float v);
/// Nearest fp8 e4m3 (3 mantissa bits, normals from 2^-6, subnormals below, largest 448;
/// saturating, as DeepEP's casts are).
float round_e4m3(float v);

/// `m` as sent in `dtype`: "bf16" each value rounded; "fp8" each row in blocks of 128 values,
/// each block scaled by its largest magnitude / 448 (one fp32 scale per block, DeepSeek-V3's
/// activation quantisation), rounded to e4m3 and scaled back. Throws std::invalid_argument for
/// another dtype.
Matrix as_sent(const Matrix& m, const std::string& dtype);

}  // namespace moesim::kernels
