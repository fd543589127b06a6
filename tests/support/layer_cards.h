#pragma once
/// Test helpers for the layer operators: a catalogue card by name, and one operator of a layer
/// by name.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/layer_operators.h"
#include "models/model_card_loader.h"
#include "support/scenario_files.h"

namespace moesim::test {

/// models/catalogue/<name>.yaml of the source tree.
inline ModelCard catalogue_card(const std::string& name) {
  return load_model_card(source_path("models/catalogue/" + name + ".yaml"));
}

/// The operator called `name` of `ops`; fails the test when there is none.
inline const LayerOperator& layer_op(const std::vector<LayerOperator>& ops,
                                     const std::string& name) {
  for (const auto& o : ops) {
    if (o.name == name) return o;
  }
  FAIL("no operator " << name);
  return ops.front();
}

}  // namespace moesim::test
