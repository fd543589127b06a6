#include "models/quantization_config.h"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace moesim {

WeightFormats read_quantization_config(YamlMap& q, WeightFormat unquantised) {
  bool attention_excluded = false;
  for (const char* key : {"modules_to_not_convert", "exclude_modules"}) {
    if (!q.has(key) || q.is_null(key)) continue;
    for (const std::string& name : q.get_string_list(key)) {
      attention_excluded = attention_excluded || name.find("self_attn") != std::string::npos;
    }
  }
  if (!q.has("quant_method")) q.fail_here("missing field 'quant_method'");
  const std::string method = q.get_string("quant_method");
  if (method == "fp8") {
    if (!q.has("weight_block_size") || q.is_null("weight_block_size")) {
      return {WeightFormat::kFp8Tensor, WeightFormat::kFp8Tensor};
    }
    const auto block = q.get_string_list("weight_block_size");
    if (block != std::vector<std::string>{"128", "128"}) {
      q.fail("weight_block_size", "only [128, 128] blocks are modelled");
    }
    return {WeightFormat::kFp8Block, WeightFormat::kFp8Block};
  }
  if (method == "mxfp4") return {WeightFormat::kMxfp4, unquantised};
  if (method == "modelopt") {
    const std::string algo = q.has("quant_algo") ? q.get_string("quant_algo") : "";
    if (algo == "NVFP4" || algo == "FP8") {
      const WeightFormat format = algo == "FP8" ? WeightFormat::kFp8Tensor : WeightFormat::kNvfp4;
      return {format, attention_excluded ? unquantised : format};
    }
    q.fail(q.has("quant_algo") ? "quant_algo" : "quant_method",
           fmt::format("expected quant_algo NVFP4 or FP8 with modelopt, got \"{}\"", algo));
  }
  q.fail("quant_method", fmt::format("expected fp8, mxfp4 or modelopt, got \"{}\"", method));
}

}  // namespace moesim
