// The top level of a scenario and its `model:` block (cli/app/scenario_loader.cpp).

#include "cli/app/keys/key_blocks.h"

namespace moesim::key_blocks {

using K = KeyType;

std::vector<ScenarioKey> top_level_keys() {
  return {
      key::value("name", K::kString, "required",
                 "Scenario name, one plain folder name (A-Z a-z 0-9 . _ -, not starting with "
                 "'.'); the default output folder is out/NAME."),
      key::value("seed", K::kWholeNumber, "0",
                 "Master seed: each random stream is seeded by a hash of it and the stream's "
                 "name."),
      key::value("base", K::kPath, "none",
                 "A scenario file this one starts from and overrides key by key (mappings merge, "
                 "values and lists replace)."),
      key::block("model",
                 "The MoE layer's shape, from a catalogue card, a config.json or "
                 "explicit keys.",
                 "required"),
      key::block("hardware", "The machine: a topology builder, catalogue parts and overrides.",
                 "required"),
      key::block("workload",
                 "What is run: a batch of tokens (layer pass) or requests (serving scenario).",
                 "required"),
      key::strategy("routing", "routing", "generator",
                    "uniform (the block is required: routing: {})",
                    "How each token's experts are drawn: `generator` names the routing "
                    "generator and the other keys are its parameters."),
      key::block("serving",
                 "Present: the scenario serves requests through an inference engine instead of "
                 "one layer pass."),
      key::block("strategies",
                 "The placement, network, cost model and dispatch strategies of the run.",
                 "every strategy at its default"),
      key::block("bounds",
                 "The analytic bounds `moesim bound` evaluates, each with its parameters.",
                 "every bound with its defaults"),
      key::block("sweep",
                 "Axes of a parameter sweep for `moesim sweep run`; `moesim run` ignores it."),
      key::block("plan",
                 "Deployments and SLOs of a capacity plan for `moesim plan`; `moesim run` "
                 "ignores it."),
  };
}

std::vector<ScenarioKey> model_keys() {
  const std::string explicit_or_card = "required without card or config_json (else from it)";
  return {
      key::value("model.card", K::kString, "none",
                 "A model card of models/catalogue/ (`moesim list models`) giving the whole "
                 "model; the keys below override its layer shape."),
      key::value("model.config_json", K::kPath, "none",
                 "A Hugging Face config.json giving the whole model instead of a card; not "
                 "with card."),
      key::value("model.name", K::kString, explicit_or_card, "Label of the model in outputs."),
      key::value("model.hidden_size", K::kWholeNumber, explicit_or_card,
                 "Elements of a token's hidden vector (d_model), 1 to 2^20.", "elements"),
      key::value("model.expert_ffn_size", K::kWholeNumber, explicit_or_card,
                 "Intermediate size of one SwiGLU expert, 1 to 2^22.", "elements"),
      key::value("model.num_experts", K::kWholeNumber, explicit_or_card,
                 "Routed experts per MoE layer, 1 to 65536.", "experts"),
      key::value("model.top_k", K::kWholeNumber, explicit_or_card,
                 "Experts chosen per token, 1 to num_experts.", "experts"),
      key::choice("model.dtype", {"bf16", "fp16", "fp32", "fp8"}, explicit_or_card,
                  "Weights and activations of the layer; on a card a dtype other than the card's "
                  "stores every weight in it."),
  };
}

}  // namespace moesim::key_blocks
