#pragma once
/// `moesim list models`: the model catalogue as a table with computed parameter counts.

#include <map>
#include <string>

#include "models/model_card.h"

namespace moesim {

/// One line per card: layers (MoE among them), routed and shared experts, top-k, computed
/// total and active parameters, and the published figures.
std::string format_model_listing(const std::map<std::string, ModelCard>& cards);

}  // namespace moesim
