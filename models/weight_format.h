#pragma once
/// How weights are stored on the GPU: the formats serving engines load, their bytes per weight
/// with the scales, and the dtype their GEMMs run at. A model card holds one format for its
/// routed experts and one for every other weight (models/quantization_config.h reads them from
/// a Hugging Face `quantization_config`).

#include <string_view>

#include "models/dtype.h"

namespace moesim {

enum class WeightFormat {
  kFp32,       ///< 4 bytes
  kBf16,       ///< 2 bytes (fp16 likewise)
  kFp8Tensor,  ///< 1 byte + one fp32 scale per tensor (not counted: 4 bytes per matrix)
  kFp8Block,   ///< 1 byte + one fp32 scale per 128 x 128 block (DeepSeek-V3, Qwen3 FP8)
  kInt4,       ///< 0.5 byte + one fp16 scale per group of 128
  kMxfp4,      ///< 0.5 byte + one 8-bit shared exponent per 32 (OCP microscaling, gpt-oss)
  kNvfp4,      ///< 0.5 byte + one fp8 scale per 16 (+ one fp32 per tensor, not counted)
};

/// Bytes per weight, scales included.
double bytes_per_weight(WeightFormat format);
std::string_view to_string(WeightFormat format);
bool is_fp8(WeightFormat format);

/// The format of weights released in `dtype` without a quantization_config: fp8 is
/// block-scaled as DeepSeek-V3 releases it, fp32 is 4 bytes, bf16 and fp16 are 2.
WeightFormat format_of(Dtype dtype);

/// The key of GpuSpec::peak_flops_by_dtype a GEMM on weights of `format` runs at: "fp8" for
/// the fp8 formats (vLLM's fp8 GEMMs quantise their inputs to fp8), "fp4" for MXFP4 and NVFP4
/// (Blackwell's fp4 tensor cores; a GPU without an fp4 peak dequantises to bf16, as vLLM's
/// Marlin kernels do on Hopper), "bf16" for bf16 and int4 (weight-only: bf16 inputs), "fp32".
std::string_view gemm_dtype(WeightFormat format);

/// The storage of a model's weights: its routed experts, and every other weight (attention,
/// router, shared experts, dense FFNs, embedding and LM head).
struct WeightFormats {
  WeightFormat experts = WeightFormat::kBf16;
  WeightFormat others = WeightFormat::kBf16;
  bool operator==(const WeightFormats&) const = default;
};

}  // namespace moesim
