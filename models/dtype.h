#pragma once
/// Element types of weights and activations.

#include <optional>
#include <string_view>

namespace moesim {

enum class Dtype { kFp32, kBf16, kFp16, kFp8 };

/// Bytes per element (fp8 block scales are not counted here).
double bytes_per_element(Dtype dtype);
std::string_view to_string(Dtype dtype);
/// "bf16", "fp16", "fp32", "fp8" -> Dtype; nullopt for anything else.
std::optional<Dtype> parse_dtype(std::string_view name);

}  // namespace moesim
