#pragma once
/// Measured routing statistics of one model on one text domain, read from the OLMoE routing
/// analysis shipped in traces/calibration/olmoe_routing/ (PROVENANCE.md there): per-expert
/// loads at layers 0, 7 and 15, and r-th-choice co-selection counts for the layer pairs
/// (0, 7) and (7, 15).

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "traces/routing_generator.h"

namespace moesim {

struct MeasuredLayerPair {
  uint32_t from = 0;
  uint32_t to = 0;
  std::vector<double> topk;  ///< E x E row-major: r-th choice at `from` -> r-th at `to`, all r
  std::vector<double> top1;  ///< the same for r = 0 only; empty when not measured
};

struct MeasuredRouting {
  std::string model;   ///< catalogue name: Mixtral-8x7B or OLMoE-1B-7B
  std::string domain;  ///< arxiv, books, c4, github, wikipedia, tulu
  uint32_t num_experts = 0;
  uint32_t top_k = 0;
  uint32_t layers = 0;                                ///< MoE layers of the model
  std::map<uint32_t, std::vector<double>> topk_load;  ///< layer -> count per expert
  std::map<uint32_t, std::vector<double>> top1_load;  ///< may be empty (Tulu)
  std::vector<MeasuredLayerPair> pairs;               ///< may be empty (Tulu)
};

/// The shipped statistics folder (traces/calibration/olmoe_routing).
std::filesystem::path default_routing_stats_dir();

/// Models with statistics, and the domains of each.
std::vector<std::pair<std::string, std::vector<std::string>>> measured_routing_catalogue();

/// The experts and top_k of a model with statistics, or nothing for any other name.
std::optional<RoutingShape> measured_routing_shape(const std::string& model);

/// Reads every (model, domain) of the catalogue from `dir`; keyed by (model, domain). Throws
/// ConfigError for a missing or malformed file.
std::map<std::pair<std::string, std::string>, MeasuredRouting> load_measured_routing(
    const std::filesystem::path& dir);

}  // namespace moesim
