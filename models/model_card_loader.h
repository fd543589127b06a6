#pragma once
/// Reads model cards: one models/catalogue/<name>.yaml per model (schema in docs/models.md).
/// With hf_config_loader.cpp, the only YAML reader of models/.

#include <filesystem>
#include <map>
#include <string>

#include "models/model_card.h"

namespace moesim {

/// The directory named by the environment variable MOESIM_MODELS, or else the catalogue shipped
/// in the source tree (models/catalogue).
std::filesystem::path default_model_catalogue_dir();

/// One card; its name is the file's stem. Throws ConfigError ("file:line: key.path: message")
/// for a missing file, an unknown or missing key, or a value out of range or inconsistent with
/// the others (top_k above num_routed_experts, heads not divisible by kv heads, ...).
ModelCard load_model_card(const std::filesystem::path& file);

/// Every *.yaml card of `dir`, keyed by name. Throws ConfigError for an unreadable directory or
/// a bad card.
std::map<std::string, ModelCard> load_model_catalogue(const std::filesystem::path& dir);

}  // namespace moesim
