#pragma once
/// A Hugging Face `quantization_config` block, as a config.json or a catalogue card carries it,
/// read into the weight formats of the card's routed experts and of its other weights.
///
///   quant_method: fp8       every weight fp8 (DeepSeek-V3, Qwen3 FP8, MiniMax-M2): with
///                           weight_block_size [128, 128] one fp32 scale per 128 x 128 block
///                           (transformers' FineGrainedFP8), without it one per tensor; other
///                           block sizes are refused.
///   quant_method: mxfp4     the routed experts MXFP4, every other weight unquantised:
///                           transformers' Mxfp4 quantizer converts only the experts (gpt-oss
///                           lists attention, router, embedding and lm_head in
///                           modules_to_not_convert).
///   quant_method: modelopt  NVIDIA ModelOpt, quant_algo NVFP4 or FP8 (per-tensor): the routed
///                           experts in it, and the other weights too unless the excluded
///                           modules (exclude_modules or modules_to_not_convert) name attention
///                           ("self_attn"), in which case they stay unquantised.
///                           nvidia/Qwen3-30B-A3B-NVFP4 excludes only the routers and lm_head
///                           (ai-dynamo/aiconfigurator@473ce5b6 src/aiconfigurator/model_configs/
///                           nvidia--Qwen3-30B-A3B-NVFP4_hf_quant_config.json): all NVFP4.
/// The other weights share one format: a release that keeps its embedding, LM head or router
/// unquantised beside quantised attention is counted with them quantised (as DeepSeek-V3's
/// fp8 release always was here).

#include "models/weight_format.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// `unquantised`: the format of the weights the method leaves alone (the card's dtype).
/// Fails on `q` naming the key for an unknown method, algorithm or block size.
WeightFormats read_quantization_config(YamlMap& q, WeightFormat unquantised);

}  // namespace moesim
