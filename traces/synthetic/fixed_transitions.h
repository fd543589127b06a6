#pragma once
/// Cross-layer transitions given as a list: each names its target layer; other layers are
/// drawn from their marginal.

#include <map>

#include "traces/synthetic/cross_layer_model.h"

namespace moesim {

class FixedTransitions final : public CrossLayerModel {
 public:
  explicit FixedTransitions(std::map<uint32_t, LayerTransition> into_layer)
      : into_layer_(std::move(into_layer)) {}
  const LayerTransition* at(uint32_t layer) override {
    const auto it = into_layer_.find(layer);
    return it == into_layer_.end() ? nullptr : &it->second;
  }
  bool is_source(uint32_t layer) const override {
    for (const auto& [into, t] : into_layer_) {
      if (t.source == layer) return true;
    }
    return false;
  }

 private:
  std::map<uint32_t, LayerTransition> into_layer_;
};

}  // namespace moesim
