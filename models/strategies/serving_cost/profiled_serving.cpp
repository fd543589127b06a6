// The profiled serving cost model (models/engine/serving/profiled_serving_cost.h) as a strategy: it
// owns its measured layer profile and the MoE block model built on it.
#include <filesystem>

#include "models/engine/serving/profiled_serving_cost.h"
#include "models/strategies/serving_cost/serving_cost_family.h"

namespace moesim {
namespace {

class OwningProfiledServingCost final : public ServingCostModel {
 public:
  OwningProfiledServingCost(LayerProfile profile, const ServingCostContext& c)
      : profile_(std::move(profile)),
        moe_(c.make_moe_block(&profile_)),
        cost_(
            profile_, *moe_,
            ProfiledServingConfig{c.card->num_layers, *c.model, c.layout, c.framework_overhead_us},
            *c.experts, *c.routing, *c.collectives, *c.exchange) {}

  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    return cost_.iteration(batches);
  }

 private:
  LayerProfile profile_;
  std::unique_ptr<MoeBlockCostModel> moe_;
  ProfiledServingCost cost_;
};

/// The profile folder: a shipped profile (models/profiles/) by name, else a folder relative to
/// the scenario; then the model, tensor-parallel degree and layers it was measured for.
void check_profiled(Params& p, const ParamCheckContext& c) {
  const std::string given = p.text("profile");
  const std::filesystem::path shipped = std::filesystem::path(MOESIM_PROFILES_DIR) / given;
  const std::filesystem::path local = std::filesystem::path(given).is_absolute()
                                          ? std::filesystem::path(given)
                                          : c.scenario_dir / given;
  std::filesystem::path dir;
  if (std::filesystem::is_directory(shipped)) {
    dir = shipped;
  } else if (std::filesystem::is_directory(local)) {
    dir = local;
  } else {
    throw ParamError("profile", fmt::format("no layer profile \"{}\" in {} or next to the scenario",
                                            given, MOESIM_PROFILES_DIR));
  }
  p.update("profile", std::filesystem::absolute(dir).lexically_normal().string());
  const ModelCard& card = *c.card;
  const ParallelLayout& layout = *c.layout;
  const LayerProfile::Measured measured = LayerProfile::read_measured(dir);
  if (!measured.model.empty() && measured.model != card.name) {
    throw ParamError("profile", fmt::format("the profile \"{}\" was measured on {}, the scenario's "
                                            "model is {}",
                                            given, measured.model, card.name));
  }
  if (!measured.gpu.empty() && measured.gpu != c.gpu) {
    throw ParamError("profile", fmt::format("the profile \"{}\" was measured on a {}, the "
                                            "scenario's GPU is {}; use a profile measured on {} or "
                                            "cost_model: roofline",
                                            given, measured.gpu, c.gpu, c.gpu));
  }
  if (measured.tensor_parallel != layout.tensor_parallel) {
    throw ParamError(
        "profile", fmt::format("the profile \"{}\" was measured at tensor parallel {}, the layout "
                               "has {}; use a profile measured at {} or cost_model: roofline",
                               given, measured.tensor_parallel, layout.tensor_parallel,
                               layout.tensor_parallel));
  }
  if (layout.tensor_parallel > 1 && layout.expert_parallel > 1) {
    throw ParamError("profile",
                     "the profiled cost model runs tensor parallelism without expert parallelism "
                     "(a profile's MoE table slices every expert over the TP GPUs); use "
                     "cost_model: roofline for TP with EP");
  }
  if (layout.data_parallel > 1 && layout.expert_parallel != layout.stage_gpus()) {
    throw ParamError("",
                     "the profiled cost model runs data parallelism with expert parallelism "
                     "over every GPU (expert_parallel: true); use cost_model: roofline for "
                     "attention data parallelism with MoE tensor parallelism");
  }
  if (card.moe_layer_count() != card.num_layers) {
    throw ParamError("", fmt::format("the profiled serving model needs every layer to be MoE; {} "
                                     "has {} MoE layers of {}",
                                     card.name, card.moe_layer_count(), card.num_layers));
  }
}

}  // namespace

ServingCostFamily::Entry profiled_serving_entry() {
  return {{"profiled",
           "a measured layer profile (attention, dense operators, MoE table) of one GPU, "
           "interpolated",
           {param::text("profile",
                        "layer profile folder: a shipped one (models/profiles/) by name, or a "
                        "folder relative to the scenario")},
           check_profiled},
          [](const ServingCostContext& c, const Params& p) {
            return std::make_unique<OwningProfiledServingCost>(
                LayerProfile::load(p.text("profile")), c);
          }};
}

}  // namespace moesim
