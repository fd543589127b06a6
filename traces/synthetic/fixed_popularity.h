#pragma once
/// Popularity given as tables, constant over time: layer l uses tables[layer_to_table[l]]
/// (layers past the map use its last entry).

#include <stdexcept>
#include <vector>

#include "traces/synthetic/expert_popularity.h"

namespace moesim {

class FixedPopularity final : public ExpertPopularity {
 public:
  FixedPopularity(std::vector<LayerPopularity> tables, std::vector<uint32_t> layer_to_table)
      : tables_(std::move(tables)), layer_to_table_(std::move(layer_to_table)) {
    if (tables_.empty() || layer_to_table_.empty()) {
      throw std::invalid_argument("fixed popularity needs tables and a layer map");
    }
    for (const uint32_t t : layer_to_table_) {
      if (t >= tables_.size()) throw std::invalid_argument("fixed popularity: bad table index");
    }
  }
  const LayerPopularity& at(uint32_t layer, uint64_t /*token*/) override {
    return tables_[layer_to_table_[std::min<size_t>(layer, layer_to_table_.size() - 1)]];
  }
  bool drifts() const override { return false; }

 private:
  std::vector<LayerPopularity> tables_;
  std::vector<uint32_t> layer_to_table_;
};

}  // namespace moesim
