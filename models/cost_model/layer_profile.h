#pragma once
/// Measured per-operator times of one model on one GPU (a folder of models/profiles): the
/// input of the profiled serving cost model. Tables:
///   dense.csv         layer, tokens, time_us       per-layer and per-model token-wise operators
///   per_sequence.csv  layer, sequences, time_us    lm_head and sampler
///   attention.csv     prefill_chunk, kv_prefill, n_decode, kv_decode, time_us
///   moe.csv           tokens, activated_experts, time_us
///   profile.yaml      optional: tensor_parallel (the TP degree the tables were measured at,
///                     each time per GPU; default 1), model (the catalogue card measured) and
///                     gpu (the catalogue GPU it was measured on)
/// Lookups interpolate between measured points (RaggedGridTable); the MoE block uses
/// ProfiledMoeTable's rule with the clamping described at moe_us().

#include <filesystem>
#include <map>
#include <string>

#include "models/cost_model/profiled_moe_table.h"
#include "models/cost_model/ragged_grid_table.h"

namespace moesim {

class LayerProfile {
 public:
  /// Reads the four tables of `dir`; a missing file, column or operator is a ConfigError.
  static LayerProfile load(const std::filesystem::path& dir);
  /// How `dir`'s tables were measured (profile.yaml; TP 1 and no model without it). A bad
  /// profile.yaml is a ConfigError naming its line.
  struct Measured {
    uint32_t tensor_parallel = 1;
    std::string model;  ///< catalogue card name, "" when not stated
    std::string gpu;    ///< catalogue GPU name (gpus.yaml), "" when not stated
  };
  static Measured read_measured(const std::filesystem::path& dir);

  /// Time of a token-wise operator (e.g. "qkv_proj") on `tokens` tokens, microseconds.
  double token_op_us(const std::string& op, double tokens) const;
  /// Time of a per-sequence operator ("lm_head", "sampler") for `sequences` sequences.
  double sequence_op_us(const std::string& op, double sequences) const;
  /// One layer's attention for a prefill chunk after `prefill_context` cached tokens together
  /// with `decodes` sequences of `decode_context` cached tokens each.
  double attention_us(double prefill_chunk, double prefill_context, double decodes,
                      double decode_context) const;
  /// The MoE block for `tokens` tokens routed to `activated` distinct experts. Below the
  /// measured ranges the time is taken at 1 token, and below the fewest measured activated
  /// experts it falls linearly to zero experts (each expert's weights are read once); above
  /// them it is extrapolated from the last two measured levels.
  double moe_us(double tokens, double activated) const;

  const std::filesystem::path& dir() const { return dir_; }
  uint32_t tensor_parallel() const { return tensor_parallel_; }

 private:
  std::filesystem::path dir_;
  std::map<std::string, RaggedGridTable> token_ops_;
  std::map<std::string, RaggedGridTable> sequence_ops_;
  RaggedGridTable attention_{4};
  RaggedGridTable moe_{2};
  double min_activated_ = 0.0;  ///< fewest activated experts measured
  uint32_t tensor_parallel_ = 1;
};

}  // namespace moesim
