#include "models/dtype.h"

namespace moesim {

double bytes_per_element(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFp32:
      return 4.0;
    case Dtype::kBf16:
    case Dtype::kFp16:
      return 2.0;
    case Dtype::kFp8:
      return 1.0;
  }
  return 0.0;
}

std::string_view to_string(Dtype dtype) {
  switch (dtype) {
    case Dtype::kFp32:
      return "fp32";
    case Dtype::kBf16:
      return "bf16";
    case Dtype::kFp16:
      return "fp16";
    case Dtype::kFp8:
      return "fp8";
  }
  return "unknown";
}

std::optional<Dtype> parse_dtype(std::string_view name) {
  if (name == "fp32") return Dtype::kFp32;
  if (name == "bf16") return Dtype::kBf16;
  if (name == "fp16") return Dtype::kFp16;
  if (name == "fp8") return Dtype::kFp8;
  return std::nullopt;
}

}  // namespace moesim
