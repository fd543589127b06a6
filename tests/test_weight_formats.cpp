// Weight formats and quantization_config: bytes per weight with their scales, the GEMM dtype
// of each format, and the formats a Hugging Face quantization_config gives a card's routed
// experts and its other weights (catalogue cards and config.json alike).

#include <fstream>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "models/model_card_loader.h"
#include "models/quantization_config.h"
#include "models/weight_format.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::WeightFormat;
using moesim::WeightFormats;

namespace {

moesim::ModelCard card(const std::string& name) {
  return moesim::load_model_card(moesim::test::source_path("models/catalogue/" + name + ".yaml"));
}

/// The formats of a quantization_config written as YAML, bf16 for what it leaves alone.
WeightFormats formats_of(const std::string& yaml) {
  moesim::YamlMap q(YAML::Load(yaml), "test.yaml", "quantization_config");
  return moesim::read_quantization_config(q, WeightFormat::kBf16);
}

}  // namespace

TEST_CASE("weight formats count their scales per weight", "[weight_format]") {
  // fp8 per-tensor: 1 B (one fp32 per matrix, negligible); fp8 block: 1 + 4 / (128 x 128);
  // MXFP4: 0.5 + 1 / 32 (an 8-bit exponent per 32); NVFP4: 0.5 + 1 / 16 (an fp8 scale per 16).
  CHECK(moesim::bytes_per_weight(WeightFormat::kFp8Tensor) == 1.0);
  CHECK(moesim::bytes_per_weight(WeightFormat::kFp8Block) == Approx(1.000244140625));
  CHECK(moesim::bytes_per_weight(WeightFormat::kMxfp4) == 0.53125);
  CHECK(moesim::bytes_per_weight(WeightFormat::kNvfp4) == 0.5625);
  CHECK(moesim::bytes_per_weight(WeightFormat::kBf16) == 2.0);
  // fp8 GEMMs run at the fp8 peak, fp4 formats at the fp4 one, weight-only int4 in bf16.
  CHECK(moesim::gemm_dtype(WeightFormat::kFp8Block) == "fp8");
  CHECK(moesim::gemm_dtype(WeightFormat::kFp8Tensor) == "fp8");
  CHECK(moesim::gemm_dtype(WeightFormat::kNvfp4) == "fp4");
  CHECK(moesim::gemm_dtype(WeightFormat::kInt4) == "bf16");
}

TEST_CASE("a quantization_config gives the experts' and the other weights' formats",
          "[weight_format]") {
  using F = WeightFormat;
  CHECK(formats_of("{quant_method: fp8, weight_block_size: [128, 128]}") ==
        WeightFormats{F::kFp8Block, F::kFp8Block});
  CHECK(formats_of("{quant_method: fp8}") == WeightFormats{F::kFp8Tensor, F::kFp8Tensor});
  // MXFP4 converts the experts only (gpt-oss keeps attention, router, embeddings in bf16).
  CHECK(formats_of("{quant_method: mxfp4, modules_to_not_convert: [lm_head]}") ==
        WeightFormats{F::kMxfp4, F::kBf16});
  // ModelOpt NVFP4 quantises every linear layer unless attention is excluded.
  CHECK(formats_of("{quant_method: modelopt, quant_algo: NVFP4, exclude_modules: [lm_head]}") ==
        WeightFormats{F::kNvfp4, F::kNvfp4});
  CHECK(formats_of("{quant_method: modelopt, quant_algo: NVFP4, "
                   "exclude_modules: [model.layers.*.self_attn, lm_head]}") ==
        WeightFormats{F::kNvfp4, F::kBf16});
  CHECK(formats_of("{quant_method: modelopt, quant_algo: FP8}") ==
        WeightFormats{F::kFp8Tensor, F::kFp8Tensor});
  CHECK_THROWS_WITH(formats_of("{quant_method: fp8, weight_block_size: [64, 64]}"),
                    Contains("quantization_config.weight_block_size") && Contains("[128, 128]"));
  CHECK_THROWS_WITH(formats_of("{quant_method: awq}"),
                    Contains("quantization_config.quant_method") && Contains("\"awq\""));
  CHECK_THROWS_WITH(formats_of("{quant_method: modelopt, quant_algo: W4A8}"),
                    Contains("quantization_config.quant_algo"));
}

TEST_CASE("catalogue cards carry their release's weight formats", "[weight_format]") {
  using F = WeightFormat;
  // DeepSeek-V3 as before the cards carried a config: every weight fp8 with block scales.
  CHECK(card("DeepSeek-V3").weights == WeightFormats{F::kFp8Block, F::kFp8Block});
  CHECK(card("Qwen3-235B-A22B-FP8").weights == WeightFormats{F::kFp8Block, F::kFp8Block});
  CHECK(card("MiniMax-M2.5").weights == WeightFormats{F::kFp8Block, F::kFp8Block});
  CHECK(card("gpt-oss-120b").weights == WeightFormats{F::kMxfp4, F::kBf16});
  // No quantization_config: the dtype's format for both.
  CHECK(card("Qwen3-235B-A22B").weights == WeightFormats{F::kBf16, F::kBf16});
  CHECK(card("Switch-base-128").weights == WeightFormats{F::kFp32, F::kFp32});
}

TEST_CASE("a card's dtype must agree with its quantization_config", "[weight_format]") {
  moesim::test::TempDir dir("card-quantization");
  std::ifstream in(moesim::test::source_path("models/catalogue/DeepSeek-V3.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find("dtype: fp8");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "dtype: bf16");
  const auto file = dir / "Bad.yaml";
  std::ofstream(file) << text;
  CHECK_THROWS_WITH(moesim::load_model_card(file),
                    Contains("dtype") && Contains("must be fp8 with this quantization_config"));
}
