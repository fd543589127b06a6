#include "cli/model_listing.h"

#include <fmt/format.h>

#include "models/parameter_count.h"

namespace moesim {
namespace {

std::string published(const ModelCard& card) {
  if (!card.official) return "-";
  const OfficialParams& o = *card.official;
  std::string s = fmt::format("{:g}", o.total.billions);
  if (o.active) {
    s += fmt::format(" / {:g}{}", o.active->billions, o.active_counts_input_embedding ? "" : "*");
  }
  return s;
}

}  // namespace

std::string format_model_listing(const std::map<std::string, ModelCard>& cards) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out,
                 "models: layers (MoE), routed + shared experts, top-k, parameters in billions "
                 "computed (published)\n");
  for (const auto& [name, c] : cards) {
    const ParameterCounts counts = count_parameters(c);
    const uint32_t layers = c.num_layers + c.encoder_layers;
    fmt::format_to(
        out,
        "  {:<20} {:>3} ({:>2} MoE) {:>4} + {} experts  top-{:<2} {:>8.2f} total {:>6.2f} "
        "active  ({})\n",
        name, layers, c.moe_layer_count(), c.num_routed_experts, c.num_shared_experts, c.top_k,
        counts.total() / 1e9, counts.active() / 1e9, published(c));
  }
  fmt::format_to(out,
                 "computed active counts include the input embedding; * marks a published active "
                 "count without it\n");
  return s;
}

}  // namespace moesim
