#include "models/weight_format.h"

namespace moesim {

double bytes_per_weight(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp32:
      return 4.0;
    case WeightFormat::kBf16:
      return 2.0;
    case WeightFormat::kFp8Tensor:
      return 1.0;
    case WeightFormat::kFp8Block:
      return 1.0 + 4.0 / (128.0 * 128.0);
    case WeightFormat::kInt4:
      return 0.5 + 2.0 / 128.0;
    case WeightFormat::kMxfp4:
      return 0.5 + 1.0 / 32.0;
    case WeightFormat::kNvfp4:
      return 0.5 + 1.0 / 16.0;
  }
  return 2.0;
}

std::string_view to_string(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp32:
      return "fp32";
    case WeightFormat::kBf16:
      return "bf16";
    case WeightFormat::kFp8Tensor:
      return "fp8 per-tensor";
    case WeightFormat::kFp8Block:
      return "fp8 block 128x128";
    case WeightFormat::kInt4:
      return "int4 group 128";
    case WeightFormat::kMxfp4:
      return "mxfp4";
    case WeightFormat::kNvfp4:
      return "nvfp4";
  }
  return "unknown";
}

bool is_fp8(WeightFormat format) {
  return format == WeightFormat::kFp8Tensor || format == WeightFormat::kFp8Block;
}

WeightFormat format_of(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFp8:
      return WeightFormat::kFp8Block;
    case Dtype::kFp32:
      return WeightFormat::kFp32;
    case Dtype::kBf16:
    case Dtype::kFp16:
      return WeightFormat::kBf16;
  }
  return WeightFormat::kBf16;
}

std::string_view gemm_dtype(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp32:
      return "fp32";
    case WeightFormat::kFp8Tensor:
    case WeightFormat::kFp8Block:
      return "fp8";
    case WeightFormat::kMxfp4:
    case WeightFormat::kNvfp4:
      return "fp4";
    case WeightFormat::kBf16:
    case WeightFormat::kInt4:
      return "bf16";
  }
  return "bf16";
}

}  // namespace moesim
