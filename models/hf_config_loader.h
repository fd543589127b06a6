#pragma once
/// Reads a Hugging Face config.json into a ModelCard, for the MoE model types moesim knows:
/// mixtral, qwen3_moe, deepseek_v2, deepseek_v3, olmoe, gpt_oss and llama4 (text_config, plus
/// the vision encoder's size from vision_config). The card has no official counts and no hf_id.

#include <filesystem>

#include "models/model_card.h"

namespace moesim {

/// The card is named after the file's directory when the file is config.json, else after the
/// file's stem. Fields that Hugging Face configs may omit take the transformers defaults
/// (docs/models.md lists them). Throws ConfigError naming the file, the line and the field for
/// an unknown model_type, a missing field, or a value moesim cannot represent. Keys moesim
/// does not use are ignored.
ModelCard load_hf_config(const std::filesystem::path& file);

}  // namespace moesim
